namespace RainForest.Controller.Model;

/// <summary>One report window of a model run: Fig. 10's latency and Fig. 11's CPUs.</summary>
/// <param name="Start">When the window began.</param>
/// <param name="Rate">The trace's offered rate at the window's middle, requests per second.</param>
/// <param name="Requests">Requests completed in it.</param>
/// <param name="P50">Median response time.</param>
/// <param name="P99">99th percentile.</param>
/// <param name="P999">99.9th percentile.</param>
/// <param name="Tail">The value at the SLO's percentile.</param>
/// <param name="WithinSlo">Whether the tail met the SLO (true for a window without requests).</param>
/// <param name="TakerCpus">CPUs the service held at the window's end.</param>
/// <param name="DonorCpus">CPUs the batch side held at the window's end.</param>
/// <param name="DonorQuota">The batch side's bandwidth limit in CPUs at the window's end, or null.</param>
/// <param name="Moves">Controller steps applied in the window.</param>
public sealed record ModelWindow(
    TimeSpan Start,
    double Rate,
    long Requests,
    TimeSpan P50,
    TimeSpan P99,
    TimeSpan P999,
    TimeSpan Tail,
    bool WithinSlo,
    int TakerCpus,
    int DonorCpus,
    double? DonorQuota,
    int Moves);
