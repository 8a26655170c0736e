namespace RainForest.Linux.Security;

/// <summary>A position in a <see cref="BpfAssembler"/> program, defined first and marked later so jumps can point forward.</summary>
public readonly record struct BpfLabel
{
    internal BpfLabel(int id) => Id = id;

    internal int Id { get; }
}
