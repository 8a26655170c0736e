/*
 * rfcom_test - the C side of the RFcom round trip.
 *
 * usage: rfcom_test REQUEST_CHANNEL REPLY_CHANNEL ZONE_FILE COUNT
 *
 * Writes COUNT messages of varying length to REQUEST_CHANNEL and checks that a peer (a .NET
 * process) echoes each one back, byte for byte, on REPLY_CHANNEL (receiver 0); then checks the
 * error codes, writes a pattern into the shared zone ZONE_FILE with rf_map, creates the
 * multicast channel ZONE_FILE-created and sends its receiver 1 a message, sends a
 * CLOCK_MONOTONIC timestamp, completes the request channel and waits for the peer to complete
 * the reply channel. Prints "ok COUNT" and exits 0 when every check passed.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rfcom.h"

static int failures;

static void check(int condition, const char *what, long value)
{
    if (!condition) {
        char message[512];
        rf_last_error(message, sizeof message);
        fprintf(stderr, "rfcom_test: %s (got %ld: %s; last error: %s)\n", what, value,
                value < 0 ? strerror((int)-value) : "", message);
        failures++;
    }
}

static size_t length_of(int i, int max) { return (size_t)(((unsigned)i * 7919u) % (unsigned)(max + 1)); }

static void fill(unsigned char *buffer, size_t length, int i)
{
    for (size_t j = 0; j < length; j++) {
        buffer[j] = (unsigned char)(i * 13 + j * 7);
    }
}

static int round_trip(rf_channel *request, rf_channel *reply, const unsigned char *out, size_t length, unsigned char *in, int max)
{
    int rc = rf_write(request, out, length, 0);
    check(rc == 0, "rf_write", rc);
    ssize_t n = rf_read(reply, in, (size_t)max, 0);
    check(n == (ssize_t)length, "rf_read returns the echoed length", (long)n);
    if (n != (ssize_t)length || memcmp(in, out, length) != 0) {
        check(0, "the echo equals the message", (long)n);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: rfcom_test REQUEST_CHANNEL REPLY_CHANNEL ZONE_FILE COUNT\n");
        return 2;
    }
    alarm(60); /* a hung peer fails the test instead of hanging it */
    int count = atoi(argv[4]);

    rf_channel *request = NULL, *reply = NULL;
    int rc = rf_open(argv[1], RF_NO_RECEIVER, &request);
    check(rc == 0, "rf_open request channel", rc);
    rc = rf_open(argv[2], 0, &reply);
    check(rc == 0, "rf_open reply channel", rc);
    if (failures) {
        return 1;
    }

    rf_channel *missing = NULL;
    rc = rf_open("/nonexistent/rf-test-missing", RF_NO_RECEIVER, &missing);
    check(rc == -ENOENT, "rf_open of a missing file gives -ENOENT", rc);

    int max = rf_max_message_size(request);
    check(max > 100, "rf_max_message_size", max);
    unsigned char *out = malloc((size_t)max + 1), *in = malloc((size_t)max + 1);

    /* Errors: too long to write, nothing to read yet, no receiver on the request handle. */
    rc = rf_write(request, out, (size_t)max + 1, 0);
    check(rc == -EMSGSIZE, "an oversized rf_write gives -EMSGSIZE", rc);
    ssize_t n = rf_read(reply, in, (size_t)max, RF_NONBLOCK);
    check(n == -EAGAIN, "rf_read RF_NONBLOCK on an empty channel gives -EAGAIN", (long)n);
    n = rf_read(request, in, (size_t)max, RF_NONBLOCK);
    check(n == -EBADF, "rf_read on a handle without a receiver gives -EBADF", (long)n);

    /* Ping-pong of COUNT messages of varying length, 0 to max bytes. */
    for (int i = 0; i < count && !failures; i++) {
        size_t length = length_of(i, max);
        fill(out, length, i);
        round_trip(request, reply, out, length, in, max);
    }

    /* A burst: several messages in flight at once, echoed in order. */
    for (int i = 0; i < 16; i++) {
        fill(out, 64, 1000 + i);
        rc = rf_write(request, out, 64, 0);
        check(rc == 0, "rf_write in a burst", rc);
    }
    for (int i = 0; i < 16; i++) {
        fill(out, 64, 1000 + i);
        n = rf_read(reply, in, (size_t)max, 0);
        check(n == 64 && memcmp(in, out, 64) == 0, "the burst comes back in order", (long)n);
    }

    /* A buffer too short: -ENOBUFS, and the message stays for a bigger buffer. */
    fill(out, 100, 7);
    rc = rf_write(request, out, 100, 0);
    check(rc == 0, "rf_write of 100 bytes", rc);
    do {
        n = rf_read(reply, in, 10, RF_NONBLOCK);
    } while (n == -EAGAIN);
    check(n == -ENOBUFS, "rf_read into a 10-byte buffer gives -ENOBUFS", (long)n);
    n = rf_read(reply, in, (size_t)max, 0);
    check(n == 100 && memcmp(in, out, 100) == 0, "the message is still there after -ENOBUFS", (long)n);

    /* A shared zone the .NET side reads after we exit. */
    void *address = NULL;
    uint64_t size = 0;
    rc = rf_map(argv[3], 4096, RF_MAP_CREATE, &address, &size);
    check(rc == 0 && size == 4096, "rf_map", rc);
    if (rc == 0) {
        memcpy(address, "hello from C", 13);
        ((unsigned char *)address)[4095] = 0xC5;
        rc = rf_unmap(address);
        check(rc == 0, "rf_unmap", rc);
    }
    rc = rf_unmap(out);
    check(rc == -EINVAL, "rf_unmap of an address rf_map did not return gives -EINVAL", rc);

    /* A channel created from C (checks the options layout): multicast, 2 receivers; one message to receiver 1 only. */
    char created_path[4096];
    snprintf(created_path, sizeof created_path, "%s-created", argv[3]);
    rf_channel_options options = { RF_MULTICAST, 2, 64, 500, 0640, 0 };
    rf_channel *created = NULL;
    rc = rf_create(created_path, &options, RF_NO_RECEIVER, &created);
    check(rc == 0, "rf_create", rc);
    if (rc == 0) {
        rc = rf_create(created_path, &options, RF_NO_RECEIVER, &missing);
        check(rc == -EEXIST, "rf_create of an existing path gives -EEXIST", rc);
        check(rf_max_message_size(created) == 500, "rf_max_message_size of the created channel", rf_max_message_size(created));
        rc = rf_write_to(created, "to receiver 1", 13, 0x2, RF_NONBLOCK);
        check(rc == 0, "rf_write_to receiver 1", rc);
        rc = rf_write_to(created, "x", 1, 0x4, 0);
        check(rc == -EINVAL, "rf_write_to a receiver the channel lacks gives -EINVAL", rc);
        check(rf_close(created) == 0, "rf_close created", 0);
    }
    options.reserved = 1;
    rc = rf_create(created_path, &options, RF_NO_RECEIVER, &missing);
    check(rc == -EINVAL, "rf_create with reserved options gives -EINVAL", rc);

    /* A CLOCK_MONOTONIC timestamp, the last message: the .NET side checks it against its clock. */
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t stamp = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
    memcpy(out, &stamp, sizeof stamp);
    round_trip(request, reply, out, sizeof stamp, in, max);

    /* Completion: writes now fail, and the peer completes the reply channel once it has drained. */
    rc = rf_complete(request);
    check(rc == 0, "rf_complete", rc);
    rc = rf_write(request, out, 1, 0);
    check(rc == -EPIPE, "rf_write after rf_complete gives -EPIPE", rc);
    n = rf_read(reply, in, (size_t)max, 0);
    check(n == -EPIPE, "rf_read after the peer completed gives -EPIPE", (long)n);

    check(rf_close(request) == 0, "rf_close request", 0);
    check(rf_close(reply) == 0, "rf_close reply", 0);
    free(out);
    free(in);
    if (failures) {
        fprintf(stderr, "rfcom_test: %d checks failed\n", failures);
        return 1;
    }
    printf("ok %d\n", count);
    return 0;
}
