// The smoke tests set up whole systems (a supervisor with subOSes, LXC containers) and time workloads on a
// two-core machine: one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
