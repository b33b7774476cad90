# escape=`
FROM busybox
RUN echo one `
    two
COPY a.txt c:\dest\
SHELL ["sh", "-c"]
CMD echo done
