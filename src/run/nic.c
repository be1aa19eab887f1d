/* nic.c: --nic as QEMU's -nic: tap,ifname=NAME[,mac=ADDR] (QEMU's default MAC, 52:54:00:12:34:56, unless given). */
#include <stdio.h>
#include <string.h>

#include "run.h"

static int parse_mac(const char *s, size_t len, uint8_t mac[6])
{
    unsigned b[6];
    char tail;
    char buf[32];
    if (len >= sizeof(buf))
        return -1;
    memcpy(buf, s, len);
    buf[len] = 0;
    if (sscanf(buf, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &tail) != 6 ||
        strlen(buf) != 17 || (b[0] & 1))
        return -1; /* six bytes, and not a multicast address */
    for (int i = 0; i < 6; i++)
        mac[i] = (uint8_t)b[i];
    return 0;
}

int nic_parse(const char *arg, struct nic_spec *n)
{
    *n = (struct nic_spec){.mac = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56}};
    if (strncmp(arg, "tap,", 4) != 0)
        return -1;
    for (const char *s = arg + 4; *s;) {
        const char *end = strchr(s, ',');
        if (!end)
            end = s + strlen(s);
        size_t len = (size_t)(end - s);
        if (len > 7 && strncmp(s, "ifname=", 7) == 0 && len - 7 < sizeof(n->ifname))
            memcpy(n->ifname, s + 7, len - 7), n->ifname[len - 7] = 0;
        else if (len > 4 && strncmp(s, "mac=", 4) == 0 && parse_mac(s + 4, len - 4, n->mac) == 0)
            ;
        else
            return -1;
        s = *end ? end + 1 : end;
    }
    n->given = n->ifname[0] != 0;
    return n->given ? 0 : -1;
}
