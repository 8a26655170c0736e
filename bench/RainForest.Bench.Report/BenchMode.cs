using System.Text.Json.Serialization;

namespace RainForest.Bench.Report;

/// <summary>How thoroughly a run measured; written in JSON as <c>smoke</c>, <c>quick</c> or <c>full</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BenchMode>))]
public enum BenchMode
{
    /// <summary>Seconds per experiment: checks that everything runs, not what it measures.</summary>
    [JsonStringEnumMemberName("smoke")]
    Smoke,

    /// <summary>Short runs: numbers worth a look on a laptop or in CI.</summary>
    [JsonStringEnumMemberName("quick")]
    Quick,

    /// <summary>The paper's durations and repetitions.</summary>
    [JsonStringEnumMemberName("full")]
    Full,
}
