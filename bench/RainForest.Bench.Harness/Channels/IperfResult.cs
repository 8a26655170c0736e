namespace RainForest.Bench.Harness.Channels;

/// <summary>One iperf3 TCP stream of the channels benchmark.</summary>
/// <param name="System">Where it ran: <c>host loopback</c> or <c>cell RFloop</c> (between the two subOSes).</param>
/// <param name="GbitPerSecond">What the server received, Gbit/s.</param>
public sealed record IperfResult(string System, double GbitPerSecond);
