/*
 * One static binary for every guest program the playground adds, chosen by
 * the name it is called by (like busybox): a static glibc binary costs ~0.7 MB,
 * and each one would be paid again in the kernel image and its boot.
 */
#include <stdio.h>
#include <string.h>

int agent_main(int argc, char **argv);
int vmctr_main(int argc, char **argv);
int apirelay_main(int argc, char **argv);
int portproxy_main(int argc, char **argv);
int netsetup_main(int argc, char **argv);
int docker_main(int argc, char **argv);
int init_main(int argc, char **argv);
int probe_main(int argc, char **argv);

int main(int argc, char **argv) {
  const char *name = strrchr(argv[0], '/');
  name = name ? name + 1 : argv[0];
  if (!strcmp(name, "vmagent")) return agent_main(argc, argv);
  if (!strcmp(name, "vmctr")) return vmctr_main(argc, argv);
  if (!strcmp(name, "docker-api-relay")) return apirelay_main(argc, argv);
  if (!strcmp(name, "docker-proxy")) return portproxy_main(argc, argv);
  if (!strcmp(name, "vmnet")) return netsetup_main(argc, argv);
  if (!strcmp(name, "docker")) return docker_main(argc, argv);
  if (!strcmp(name, "docker-init")) return init_main(argc, argv);
  if (!strcmp(name, "vmprobe")) return probe_main(argc, argv);
  fprintf(stderr, "vmtools: call me as vmagent, vmctr, vmnet, docker, docker-api-relay, docker-proxy, docker-init or vmprobe\n");
  return 127;
}
