using System.Text.Json.Serialization;

namespace RainForest.Bench.Report;

/// <summary>The unit of a latency value; written in JSON as <c>ns</c>, <c>us</c>, <c>ms</c> or <c>s</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TimeUnit>))]
public enum TimeUnit
{
    /// <summary>Nanoseconds.</summary>
    [JsonStringEnumMemberName("ns")]
    Nanoseconds,

    /// <summary>Microseconds.</summary>
    [JsonStringEnumMemberName("us")]
    Microseconds,

    /// <summary>Milliseconds.</summary>
    [JsonStringEnumMemberName("ms")]
    Milliseconds,

    /// <summary>Seconds.</summary>
    [JsonStringEnumMemberName("s")]
    Seconds,
}
