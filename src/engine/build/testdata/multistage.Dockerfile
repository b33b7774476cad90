FROM busybox AS build
RUN ["sh", "-c", "echo built > /artifact"]

FROM scratch
COPY --from=build /artifact /artifact
ADD archive.tar.gz /opt/
ONBUILD RUN echo triggered
ENV A=1 B="two words" C=three\ words
ENV LEGACY value with spaces
