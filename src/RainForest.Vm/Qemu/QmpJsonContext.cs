using System.Text.Json.Serialization;

namespace RainForest.Vm.Qemu;

/// <summary>Source-generated JSON for QMP, so the NativeAOT rfm needs no reflection.</summary>
[JsonSerializable(typeof(QmpMessage))]
[JsonSerializable(typeof(QmpCommand))]
[JsonSerializable(typeof(List<QmpCpu>))]
[JsonSerializable(typeof(List<QmpCpuSlot>))]
[JsonSerializable(typeof(QmpBalloon))]
internal sealed partial class QmpJsonContext : JsonSerializerContext;
