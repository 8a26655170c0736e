// The network tests time real sockets on a small machine; running them one at a time keeps the
// latency bands meaningful. The unit tests are fast enough that this costs little.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
