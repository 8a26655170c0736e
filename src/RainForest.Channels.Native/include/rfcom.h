/*
 * rfcom.h - the RFcom C ABI of RainForest (librfcom.so).
 *
 * RFcom is the paper's inter-subOS communication interface: rf_open, rf_close, rf_write and
 * rf_read on a socket-like packet channel (a FICM channel: lock-free shared-memory rings of
 * 64-byte slots, one ring per receiver, futex notification), and rf_map and rf_unmap for named
 * shared zones (plain shared memory, no synchronisation). docs/channels.md describes the channel
 * layout and protocol; a C program and a .NET program using RainForest.Channels talk to each
 * other over the same files.
 *
 * Every call returns 0 (or a non-negative result) on success and a negative errno on failure,
 * as the kernel does; rf_last_error() gives the message of the calling thread's last failure.
 * Handles are safe to use from several threads, except that rf_close must come last.
 *
 * Link with -lrfcom. The library embeds the .NET runtime (NativeAOT); do not fork() after
 * opening a channel.
 */
#ifndef RFCOM_H
#define RFCOM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Channel modes (rf_channel_options.mode). */
#define RF_UNICAST 0   /* one receiver ring; any number of writers; readers compete */
#define RF_MULTICAST 1 /* one ring per receiver; rf_write_to chooses receivers by mask */
#define RF_BROADCAST 2 /* one ring per receiver; every write goes to every attached receiver */

/* Flags for rf_write, rf_write_to and rf_read. */
#define RF_NONBLOCK 0x1 /* fail with -EAGAIN instead of waiting for room or for a message */

/* Flags for rf_map. */
#define RF_MAP_CREATE 0x1   /* create the zone file if missing, grow it to size if smaller */
#define RF_MAP_READONLY 0x2 /* map read only */

/* The receiver argument of rf_open and rf_create for a write-only handle. */
#define RF_NO_RECEIVER (-1)

/* Limits. */
#define RF_SLOT_SIZE 64
#define RF_MAX_RECEIVERS 64
#define RF_MAX_MESSAGE_SIZE (1 << 20)

/* An open channel handle. */
typedef struct rf_channel rf_channel;

/* The shape of a new channel. */
typedef struct rf_channel_options {
    uint32_t mode;             /* RF_UNICAST, RF_MULTICAST or RF_BROADCAST */
    uint32_t receivers;        /* 1 for unicast, 1..64 otherwise */
    uint32_t slots_per_ring;   /* 64-byte slots per ring: a power of two, 4..4194304 */
    uint32_t max_message_size; /* largest payload in bytes, up to 1 MiB; must fit in a ring with its 16-byte header */
    uint32_t file_mode;        /* permission bits of the file, e.g. 0600 (0: 0600) */
    uint32_t reserved;         /* must be 0 */
} rf_channel_options;

/*
 * Creates a channel file at path (which must not exist) and opens it. With receiver >= 0 the
 * handle also reads that receiver's ring. Errors: -EEXIST, -EINVAL (bad options), -EACCES,
 * -ENOENT (no such directory), -ENOSPC.
 */
int rf_create(const char *path, const rf_channel_options *options, int receiver, rf_channel **channel);

/*
 * Opens an existing channel. With receiver >= 0 the handle also reads that receiver's ring.
 * Errors: -ENOENT, -EACCES, -EBADMSG (not a channel, corrupt, or another layout version), -EINVAL.
 */
int rf_open(const char *path, int receiver, rf_channel **channel);

/* Closes a handle; the channel stays for other processes. */
int rf_close(rf_channel *channel);

/*
 * Writes a message to the default receivers (the ring of a unicast channel, every attached
 * receiver otherwise), waiting while a ring is full unless RF_NONBLOCK. Errors: -EMSGSIZE
 * (longer than the maximum), -EAGAIN (RF_NONBLOCK and full), -EPIPE (channel completed),
 * -ENXIO (no receiver attached).
 */
int rf_write(rf_channel *channel, const void *data, size_t length, int flags);

/* Writes a message to the attached receivers whose bits are set in receivers (bit i: receiver i). */
int rf_write_to(rf_channel *channel, const void *data, size_t length, uint64_t receivers, int flags);

/*
 * Reads the next message into buffer, waiting for one unless RF_NONBLOCK. Returns its length.
 * Errors: -EAGAIN (RF_NONBLOCK and nothing readable), -EPIPE (completed and drained),
 * -ENOBUFS (the message is longer than capacity; it stays in the channel), -EBADF (the handle
 * has no receiver).
 */
ssize_t rf_read(rf_channel *channel, void *buffer, size_t capacity, int flags);

/* Completes the channel for every process: writes fail with -EPIPE, reads with -EPIPE once drained. */
int rf_complete(rf_channel *channel);

/* The channel's largest payload in bytes. */
int rf_max_message_size(rf_channel *channel);

/* Removes a channel (or zone) file's name; 0, or -ENOENT if there was none. */
int rf_unlink(const char *path);

/*
 * Maps a named shared zone: a plain file mapped shared, with no synchronisation. With
 * RF_MAP_CREATE a missing file is created (mode 0600) and a smaller one grown to size; size 0
 * maps the whole existing file. *address receives the mapping; *mapped_size (if not NULL) its size.
 */
int rf_map(const char *path, uint64_t size, int flags, void **address, uint64_t *mapped_size);

/* Unmaps a zone mapped by rf_map. */
int rf_unmap(void *address);

/*
 * Copies the message of the calling thread's last failed call (NUL terminated, truncated to
 * capacity) and returns its full length; 0 if there was none.
 */
int rf_last_error(char *buffer, size_t capacity);

#ifdef __cplusplus
}
#endif

#endif /* RFCOM_H */
