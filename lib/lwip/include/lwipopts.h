/* lwIP 2.1.3 configuration for pvhkit: sockets on kernel threads, IPv4, DHCP, DNS, sized for bulk TCP. */
#ifndef LWIPOPTS_H
#define LWIPOPTS_H

#define NO_SYS		     0
#define SYS_LIGHTWEIGHT_PROT 1
/* socket calls take the core lock instead of a message round trip through the tcpip thread */
#define LWIP_TCPIP_CORE_LOCKING	      1
#define LWIP_TCPIP_CORE_LOCKING_INPUT 1
/* releasing the core lock sends the TCP segments netif_xen.c held back to coalesce */
void pvh_lwip_core_unlock(void);
#define LOCK_TCPIP_CORE()	  sys_mutex_lock(&lock_tcpip_core)
#define UNLOCK_TCPIP_CORE()	  pvh_lwip_core_unlock()
#define TCPIP_THREAD_NAME	  "lwip-tcpip"
#define TCPIP_THREAD_STACKSIZE	  (32 * 1024)
#define TCPIP_MBOX_SIZE		  256
#define DEFAULT_THREAD_STACKSIZE  (32 * 1024)
#define DEFAULT_RAW_RECVMBOX_SIZE 64
#define DEFAULT_UDP_RECVMBOX_SIZE 256
#define DEFAULT_TCP_RECVMBOX_SIZE 256
#define DEFAULT_ACCEPTMBOX_SIZE	  64

#define LWIP_IPV4		   1
#define LWIP_IPV6		   0
#define LWIP_ARP		   1
#define LWIP_ETHERNET		   1
#define LWIP_ICMP		   1
#define LWIP_RAW		   1
#define LWIP_UDP		   1
#define LWIP_TCP		   1
#define LWIP_DHCP		   1
#define LWIP_DNS		   1
#define DNS_MAX_SERVERS		   2
#define LWIP_AUTOIP		   0
#define LWIP_IGMP		   0
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK   1
#define LWIP_NETIF_HOSTNAME	   1
#define LWIP_NUM_NETIF_CLIENT_DATA 1
/* ping replies of 1472 bytes plus full frames: reassemble and answer without fragment trouble */
#define IP_REASSEMBLY		      1
#define IP_FRAG			      1
#define ETHARP_SUPPORT_STATIC_ENTRIES 0
#define ARP_QUEUEING		      1

#define LWIP_NETCONN 1
#define LWIP_SOCKET  1
/* lwip_socket() etc. under their POSIX names (macros); read/write/close stay the libc's, so
 * sockets are closed with closesocket() */
#define LWIP_COMPAT_SOCKETS	    1
#define LWIP_POSIX_SOCKETS_IO_NAMES 0
/* the libc's fd_set (FD_SETSIZE 64) holds every socket: offset 0, at most 64 of them */
#define LWIP_SOCKET_OFFSET	     0
#define LWIP_SOCKET_SELECT	     1
#define LWIP_SOCKET_POLL	     1
#define LWIP_SO_RCVTIMEO	     1
#define LWIP_SO_SNDTIMEO	     1
#define LWIP_SO_RCVBUF		     1
#define SO_REUSE		     1
#define LWIP_TCP_KEEPALIVE	     1
#define LWIP_TIMEVAL_PRIVATE	     0
#define LWIP_ERRNO_STDINCLUDE	     1
#define LWIP_DNS_API_DECLARE_STRUCTS 1
#define LWIP_NETCONN_FULLDUPLEX	     0

/*
 * memory: lwIP's heap and pools come from malloc under a limit sized from the domain's memory
 * (lib/lwip/mem_budget.c), not from 1.4 MiB of static pools: apps/net runs in 4 MiB. The pool
 * counts below are then no limits (MEMP_MEM_MALLOC ignores them) but what lwIP's own checks read.
 */
#include <stddef.h>
void *pvh_lwip_malloc(size_t n);
void pvh_lwip_free(void *p);
void *pvh_lwip_calloc(size_t count, size_t size);
#define MEM_LIBC_MALLOC		 1
#define mem_clib_malloc		 pvh_lwip_malloc
#define mem_clib_free		 pvh_lwip_free
#define mem_clib_calloc		 pvh_lwip_calloc
#define MEMP_MEM_MALLOC		 1
#define MEM_ALIGNMENT		 8
#define MEM_SIZE		 (768 * 1024)
#define MEMP_NUM_NETCONN	 64
#define MEMP_NUM_TCP_PCB	 64
#define MEMP_NUM_TCP_PCB_LISTEN	 8
#define MEMP_NUM_UDP_PCB	 8
#define MEMP_NUM_RAW_PCB	 4
#define MEMP_NUM_NETBUF		 32
#define MEMP_NUM_TCPIP_MSG_API	 64
#define MEMP_NUM_TCPIP_MSG_INPKT 256
#define MEMP_NUM_SYS_TIMEOUT	 (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 4)
#define MEMP_NUM_SELECT_CB	 16
#define PBUF_POOL_SIZE		 384
#define PBUF_POOL_BUFSIZE	 1536

#define TCP_MSS		 1460
#define LWIP_WND_SCALE	 1
#define TCP_RCV_SCALE	 2
#define TCP_WND		 (160 * 1024)
#define TCP_SND_BUF	 (128 * 1024)
#define TCP_SND_QUEUELEN 512
/* writable again once a quarter of the buffer is free (the default overflows u16 here) */
#define TCP_SNDLOWAT		   (32 * 1024)
#define MEMP_NUM_TCP_SEG	   512
#define TCP_OVERSIZE		   TCP_MSS
#define TCP_QUEUE_OOSEQ		   1
#define LWIP_TCP_SACK_OUT	   0
#define TCP_LISTEN_BACKLOG	   1
#define TCP_DEFAULT_LISTEN_BACKLOG 64

/* checksums: always generated here (TX requests carry full sums, marked data_validated; a TCP
 * super-segment netfront_gso.c builds from them carries the pseudo-header sum instead); checked
 * on receive unless the backend marked the frame data_validated (netif_xen.c switches the TCP/UDP
 * checks off for that frame only, hence the per-netif control; netfront completes csum_blank
 * frames that are checked) */
#define LWIP_CHECKSUM_CTRL_PER_NETIF 1
#define CHECKSUM_GEN_IP		     1
#define CHECKSUM_GEN_UDP	     1
#define CHECKSUM_GEN_TCP	     1
#define CHECKSUM_GEN_ICMP	     1
#define CHECKSUM_CHECK_IP	     1
#define CHECKSUM_CHECK_UDP	     1
#define CHECKSUM_CHECK_TCP	     1
#define CHECKSUM_CHECK_ICMP	     1
#define LWIP_CHECKSUM_ON_COPY	     1

#define LWIP_STATS	    1
#define LWIP_STATS_DISPLAY  0
#define MIB2_STATS	    0
#define LWIP_HAVE_LOOPIF    0
#define LWIP_NETIF_LOOPBACK 1

/* the kernel has a mem_init of its own (kernel/mem.c) */
#define mem_init lwip_mem_init

#define LWIP_RAND() (lwip_os_rand())
#include <stdint.h>
uint32_t lwip_os_rand(void);

#endif
