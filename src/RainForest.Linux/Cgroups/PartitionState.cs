namespace RainForest.Linux.Cgroups;

/// <summary>A group's cpuset partition as the kernel reports it in <c>cpuset.cpus.partition</c>.</summary>
/// <param name="Kind">The partition the group asked to be.</param>
/// <param name="Valid">
/// False when the kernel keeps the request but could not honour it (<c>root invalid (reason)</c>): the group then
/// behaves like a member, and its CPUs are shared with the parent partition's tasks.
/// </param>
/// <param name="Reason">The kernel's reason for an invalid partition (kernels before 6.1 give none).</param>
/// <remarks>
/// The kernel accepts a partition request even when it cannot honour it: the write succeeds and only reading the
/// file back tells. A state read here is the kernel's record, so an invalid (degraded) partition stays visible
/// in <c>rfm show</c> until the kernel can make it valid again.
/// </remarks>
public sealed record PartitionState(PartitionKind Kind, bool Valid, string? Reason)
{
    /// <summary>Not a partition at all (see <see cref="PartitionKind.None"/>).</summary>
    public static PartitionState None { get; } = new(PartitionKind.None, true, null);

    /// <summary>True for a valid root or isolated partition: no task outside the group runs on its CPUs.</summary>
    public bool Isolates() => Valid && Kind is PartitionKind.Root or PartitionKind.Isolated;

    /// <summary>Parses the text of <c>cpuset.cpus.partition</c>; null or empty (no such file) is <see cref="None"/>.</summary>
    public static PartitionState Parse(string? text)
    {
        var line = text?.Trim() ?? string.Empty;
        if (line.Length == 0)
        {
            return None;
        }

        var space = line.IndexOf(' ', StringComparison.Ordinal);
        var word = space < 0 ? line : line[..space];
        var rest = space < 0 ? string.Empty : line[(space + 1)..].Trim();
        PartitionKind? kind = word switch
        {
            "member" => PartitionKind.Member,
            "root" => PartitionKind.Root,
            "isolated" => PartitionKind.Isolated,
            _ => null,
        };
        if (kind is null)
        {
            // A state a later kernel may add: shown as the kernel wrote it rather than guessed at.
            return new PartitionState(PartitionKind.None, false, line);
        }

        if (rest.Length == 0)
        {
            return new PartitionState(kind.Value, true, null);
        }

        // "root invalid (Parent is not a partition root)"; kernels before 6.1 print "root invalid" alone.
        var reason = rest.StartsWith("invalid", StringComparison.Ordinal) ? rest["invalid".Length..].Trim().TrimStart('(').TrimEnd(')') : rest;
        return new PartitionState(kind.Value, false, reason.Length == 0 ? null : reason);
    }

    /// <summary>The state as the kernel writes it: <c>isolated</c>, <c>root invalid (reason)</c>.</summary>
    public override string ToString() => Kind switch
    {
        PartitionKind.None => Reason ?? "none",
        _ => Kind.ToString().ToLowerInvariant() + (Valid ? string.Empty : Reason is null ? " invalid" : $" invalid ({Reason})"),
    };
}
