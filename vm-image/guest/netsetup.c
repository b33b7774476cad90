/*
 * vmnet: a container's network sandbox in one process, over rtnetlink.
 *
 *   vmnet up NETNS_FILE [--create] [--endpoint BRIDGE,GW/PREFIX,HOSTVETH,IFNAME,MAC,IP/PREFIX,ROUTE]...
 *
 * --create makes a new network namespace, keeps it alive by bind-mounting
 * it on NETNS_FILE (as `ip netns add` does) and brings its loopback up.
 * Each endpoint: the bridge is made if missing (with the gateway address),
 * a veth pair is created with its peer directly inside the namespace under
 * its final name, the host end joins the bridge, the inside end gets its
 * MAC, address and (ROUTE=1) the default route via the gateway.
 *
 * Why C: the same steps with busybox's ip, brctl and nsenter are about
 * fifteen programs per container, each a fork and exec of a 1 MB static
 * binary in an emulated CPU; this is one.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

struct req {
  struct nlmsghdr n;
  char buf[1024];
};

static int fail(const char *what, int err) {
  fprintf(stderr, "vmnet: %s: %s\n", what, strerror(err));
  return 1;
}

static struct rtattr *attr(struct nlmsghdr *n, int type, const void *data, int len) {
  struct rtattr *a = (struct rtattr *)((char *)n + NLMSG_ALIGN(n->nlmsg_len));
  a->rta_type = type;
  a->rta_len = RTA_LENGTH(len);
  if (len) memcpy(RTA_DATA(a), data, len);
  n->nlmsg_len = NLMSG_ALIGN(n->nlmsg_len) + RTA_ALIGN(a->rta_len);
  return a;
}
static struct rtattr *nest(struct nlmsghdr *n, int type) { return attr(n, type, NULL, 0); }
static void nest_end(struct nlmsghdr *n, struct rtattr *a) { a->rta_len = (char *)n + n->nlmsg_len - (char *)a; }

/* The rtnetlink socket of the namespace we are in: a socket belongs to the
 * namespace it was made in, so one for the host's and one for the container's,
 * each made once, not one made and closed for every request. */
static int nl_host = -1, nl_inside = -1, *nl = &nl_host;

static int nl_fd(void) {
  if (*nl < 0) *nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  return *nl;
}

/* An interface's flags, or its index, asked on that socket (any socket answers these ioctls,
 * where if_nametoindex would open and close one of its own each time). */
static int ifreq_of(const char *name, unsigned long req, struct ifreq *ifr) {
  memset(ifr, 0, sizeof *ifr);
  snprintf(ifr->ifr_name, sizeof ifr->ifr_name, "%s", name);
  return nl_fd() >= 0 && ioctl(*nl, req, ifr) == 0 ? 0 : -1;
}
static int ifindex(const char *name) {
  struct ifreq ifr;
  return ifreq_of(name, SIOCGIFINDEX, &ifr) == 0 ? ifr.ifr_ifindex : 0;
}
static int is_up(const char *name) {
  struct ifreq ifr;
  return ifreq_of(name, SIOCGIFFLAGS, &ifr) == 0 && (ifr.ifr_flags & IFF_UP);
}

/* Sends one request in the current network namespace and waits for its acknowledgement; 0 or an errno. */
static int talk(struct nlmsghdr *n) {
  int fd = nl_fd();
  if (fd < 0) return errno;
  static uint32_t seq;
  struct sockaddr_nl to = {.nl_family = AF_NETLINK};
  n->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
  n->nlmsg_seq = ++seq;
  int err = 0;
  if (sendto(fd, n, n->nlmsg_len, 0, (struct sockaddr *)&to, sizeof to) < 0) err = errno;
  char buf[4096];
  while (!err) {
    ssize_t len = recv(fd, buf, sizeof buf, 0);
    if (len < 0) { err = errno; break; }
    struct nlmsghdr *h = (struct nlmsghdr *)buf;
    /* Only this request's acknowledgement: the socket is shared by the requests that came before. */
    if (NLMSG_OK(h, (size_t)len) && h->nlmsg_type == NLMSG_ERROR && h->nlmsg_seq == seq) {
      err = -((struct nlmsgerr *)NLMSG_DATA(h))->error;
      break;
    }
  }
  return err;
}

/* Into a namespace (or back to the host's), with the netlink socket of that namespace. */
static int enter(int nsfd, int inside) {
  if (setns(nsfd, CLONE_NEWNET) < 0) return -1;
  nl = inside ? &nl_inside : &nl_host;
  return 0;
}

/* A fresh request of this type with a zeroed fixed part of `body` bytes; returns that part. */
static void *msg(struct req *r, int type, int flags, size_t body) {
  memset(r, 0, sizeof *r);
  r->n.nlmsg_len = NLMSG_LENGTH(body);
  r->n.nlmsg_type = type;
  r->n.nlmsg_flags = flags;
  return NLMSG_DATA(&r->n);
}

static void link_msg(struct req *r, int type, int flags, int index) {
  struct ifinfomsg *i = msg(r, type, flags, sizeof *i);
  i->ifi_family = AF_UNSPEC;
  i->ifi_index = index;
}

/* Up (and optionally a MAC and a bridge to join) for an interface in the current namespace. */
static int set_link(const char *name, const unsigned char *mac, const char *master) {
  int index = ifindex(name);
  if (!index) return ENODEV;
  struct req r;
  link_msg(&r, RTM_NEWLINK, 0, index);
  struct ifinfomsg *i = NLMSG_DATA(&r.n);
  i->ifi_flags = IFF_UP;
  i->ifi_change = IFF_UP;
  if (mac) attr(&r.n, IFLA_ADDRESS, mac, 6);
  if (master) {
    int m = ifindex(master);
    if (!m) return ENODEV;
    attr(&r.n, IFLA_MASTER, &m, sizeof m);
  }
  return talk(&r.n);
}

static int add_address(const char *name, const char *cidr) {
  char ip[32]; int prefix = 0;
  if (sscanf(cidr, "%31[^/]/%d", ip, &prefix) != 2) return EINVAL;
  struct in_addr a;
  if (inet_pton(AF_INET, ip, &a) != 1) return EINVAL;
  struct req r;
  struct ifaddrmsg *m = msg(&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof *m);
  m->ifa_family = AF_INET;
  m->ifa_prefixlen = prefix;
  m->ifa_index = ifindex(name);
  if (!m->ifa_index) return ENODEV;
  attr(&r.n, IFA_LOCAL, &a, 4);
  attr(&r.n, IFA_ADDRESS, &a, 4);
  /* The broadcast address, as `ip addr add … brd +` would set it. */
  struct in_addr b = {.s_addr = a.s_addr | htonl(prefix ? (1u << (32 - prefix)) - 1 : ~0u)};
  attr(&r.n, IFA_BROADCAST, &b, 4);
  return talk(&r.n);
}

static int default_route(const char *gateway) {
  struct in_addr g;
  if (inet_pton(AF_INET, gateway, &g) != 1) return EINVAL;
  struct req r;
  struct rtmsg *m = msg(&r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, sizeof *m);
  m->rtm_family = AF_INET;
  m->rtm_table = RT_TABLE_MAIN;
  m->rtm_protocol = RTPROT_BOOT;
  m->rtm_scope = RT_SCOPE_UNIVERSE;
  m->rtm_type = RTN_UNICAST;
  attr(&r.n, RTA_GATEWAY, &g, 4);
  return talk(&r.n);
}

/* The bridge with its gateway address, unless it is there already (another container may be making it now). */
static int ensure_bridge(const char *name, const char *gw_cidr) {
  if (is_up(name)) return 0;
  if (!ifindex(name)) {
    struct req r;
    link_msg(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
    attr(&r.n, IFLA_IFNAME, name, strlen(name) + 1);
    struct rtattr *info = nest(&r.n, IFLA_LINKINFO);
    attr(&r.n, IFLA_INFO_KIND, "bridge", 7);
    nest_end(&r.n, info);
    int e = talk(&r.n);
    if (e == 0) {
      e = add_address(name, gw_cidr);
      if (e && e != EEXIST) return e;
    } else if (e != EEXIST) return e;
  }
  return set_link(name, NULL, NULL);
}

/* A veth pair: HOSTVETH here, IFNAME created straight in the namespace behind nsfd. */
static int veth_pair(const char *host, const char *inside, int nsfd) {
  struct req r;
  link_msg(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
  attr(&r.n, IFLA_IFNAME, host, strlen(host) + 1);
  struct rtattr *info = nest(&r.n, IFLA_LINKINFO);
  attr(&r.n, IFLA_INFO_KIND, "veth", 5);
  struct rtattr *data = nest(&r.n, IFLA_INFO_DATA);
  struct rtattr *peer = nest(&r.n, VETH_INFO_PEER);
  struct ifinfomsg pi = {.ifi_family = AF_UNSPEC};
  /* The peer's own ifinfomsg, then its attributes. */
  memcpy((char *)&r.n + r.n.nlmsg_len, &pi, sizeof pi);
  r.n.nlmsg_len += NLMSG_ALIGN(sizeof pi);
  attr(&r.n, IFLA_IFNAME, inside, strlen(inside) + 1);
  attr(&r.n, IFLA_NET_NS_FD, &nsfd, sizeof nsfd);
  nest_end(&r.n, peer);
  nest_end(&r.n, data);
  nest_end(&r.n, info);
  return talk(&r.n);
}

static int parse_mac(const char *s, unsigned char *mac) {
  unsigned v[6];
  if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6) return -1;
  for (int i = 0; i < 6; i++) mac[i] = v[i];
  return 0;
}

/* vmnet runs inside vmctr too: the next container's namespace must not get this one's socket. */
static void close_sockets(void) {
  if (nl_host >= 0) close(nl_host);
  if (nl_inside >= 0) close(nl_inside);
  nl_host = nl_inside = -1;
  nl = &nl_host;
}

static int setup(int argc, char **argv) {
  if (argc < 3 || strcmp(argv[1], "up")) {
    fprintf(stderr, "usage: vmnet up NETNS_FILE [--create] [--endpoint BRIDGE,GW/P,HOSTVETH,IFNAME,MAC,IP/P,ROUTE]...\n");
    return 2;
  }
  const char *path = argv[2];
  int create = 0;
  for (int i = 3; i < argc; i++) if (!strcmp(argv[i], "--create")) create = 1;
  int hostns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  if (hostns < 0) return fail("open the host network namespace", errno);
  if (create) {
    char dir[256];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) { *slash = 0; mkdir(dir, 0755); }
    int f = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0444);
    if (f < 0) return fail(path, errno);
    close(f);
    if (unshare(CLONE_NEWNET) < 0) return fail("unshare the network namespace", errno);
    nl = &nl_inside;
    if (mount("/proc/self/ns/net", path, NULL, MS_BIND, NULL) < 0) return fail("keep the namespace", errno);
    int e = set_link("lo", NULL, NULL);
    if (e) return fail("loopback up", e);
    if (enter(hostns, 0) < 0) return fail("back to the host namespace", errno);
  }
  int nsfd = open(path, O_RDONLY | O_CLOEXEC);
  if (nsfd < 0) return fail(path, errno);
  for (int i = 3; i < argc; i++) {
    if (strcmp(argv[i], "--endpoint") || i + 1 >= argc) continue;
    char spec[512], *f[7];
    snprintf(spec, sizeof spec, "%s", argv[++i]);
    int n = 0;
    for (char *tok = strtok(spec, ","); tok && n < 7; tok = strtok(NULL, ",")) f[n++] = tok;
    unsigned char mac[6];
    if (n != 7 || parse_mac(f[4], mac)) { fprintf(stderr, "vmnet: bad endpoint %s\n", argv[i]); return 2; }
    const char *bridge = f[0], *gw = f[1], *hostveth = f[2], *ifname = f[3], *ip = f[5];
    int route = !strcmp(f[6], "1");
    int e;
    if ((e = ensure_bridge(bridge, gw))) return fail(bridge, e);
    if ((e = veth_pair(hostveth, ifname, nsfd))) return fail("create the veth pair", e);
    if ((e = set_link(hostveth, NULL, bridge))) return fail("attach the veth to the bridge", e);
    if (enter(nsfd, 1) < 0) return fail("enter the container's namespace", errno);
    if ((e = set_link(ifname, mac, NULL))) return fail(ifname, e);
    if ((e = add_address(ifname, ip))) return fail("add the address", e);
    if (route) {
      char gwip[32]; sscanf(gw, "%31[^/]", gwip);
      if ((e = default_route(gwip))) return fail("add the default route", e);
    }
    if (enter(hostns, 0) < 0) return fail("back to the host namespace", errno);
  }
  return 0;
}

int netsetup_main(int argc, char **argv) {
  int rc = setup(argc, argv);
  close_sockets();
  return rc;
}
