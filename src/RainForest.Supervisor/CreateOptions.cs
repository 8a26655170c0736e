using RainForest.Core;
using RainForest.Core.Model;
using RainForest.Supervisor.Backends;
using RainForest.Supervisor.Network;

namespace RainForest.Supervisor;

/// <summary>What <c>rfm create</c> asks for.</summary>
public sealed record CreateOptions
{
    /// <summary>The subOS's name.</summary>
    public required string Name { get; init; }

    /// <summary>CPUs: a count or a list.</summary>
    public required CpuRequest Cpus { get; init; }

    /// <summary>Memory size.</summary>
    public required ByteSize Memory { get; init; }

    /// <summary>Lower layer of the root file system; null for the host's /.</summary>
    public string? RootFs { get; init; }

    /// <summary>Loopback only, or the supervisor's RFloop segment.</summary>
    public NetMode Net { get; init; } = NetMode.None;

    /// <summary>Host network interfaces to move into the subOS (their IRQs follow its CPUs).</summary>
    public IReadOnlyList<string> Nics { get; init; } = [];

    /// <summary>
    /// Opt out of the Security Guard: root inside is the host's root, with every capability and no seccomp
    /// filter or masked paths. Journalled and shown wherever the subOS is listed.
    /// </summary>
    public bool Privileged { get; init; }

    /// <summary>The pids limit (tasks at once); null for the default derived from the memory size.</summary>
    public long? Pids { get; init; }

    /// <summary>What realises the subOS.</summary>
    public SubOsBackendKind Backend { get; init; } = SubOsBackendKind.Cell;

    /// <summary>For <see cref="SubOsBackendKind.Kernel"/>: the guest kernel and accelerator asked for; null for the defaults.</summary>
    public Kernels.GuestSpec? Guest { get; init; }

    /// <summary>Reads <c>--net</c>: <c>none</c> or <c>loop</c>.</summary>
    /// <exception cref="RfException">Anything else (exit code 2).</exception>
    public static NetMode ParseNet(string text) =>
        EnumText.TryParse<NetMode>(text, out var mode) ? mode : throw RfException.Invalid($"--net {text}: expected none or loop");
}
