using RainForest.Interop;

namespace RainForest.Linux.Security;

/// <summary>A deny-list seccomp profile: every call runs except those its rules name.</summary>
/// <remarks>
/// The compiled program checks the architecture first (<see cref="ArchMismatchAction"/> for any other,
/// which on x86_64 includes the i386 <c>int 0x80</c> entry), then rejects a foreign ABI sharing the
/// architecture (<see cref="ForeignAbiAction"/>), then tries each rule, and ends with
/// <see cref="SeccompAction.Allow"/>. Since Linux 5.11 the kernel caches, per number, the calls a filter
/// allows whatever their arguments, so calls no rule names cost nothing after the first.
/// </remarks>
public sealed class SeccompProfile
{
    /// <summary>Creates a profile; each system call may appear in one rule only.</summary>
    /// <exception cref="ArgumentException">A rule is invalid or names a system call twice.</exception>
    public SeccompProfile(string name, SeccompArchitecture architecture, IEnumerable<SeccompRule> rules)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(rules);
        Name = name;
        Architecture = architecture;
        Rules = [.. rules];
        var seen = new HashSet<int>();
        foreach (var rule in Rules)
        {
            rule.When?.Validate();
            if (rule.Number < 0 || (architecture.ForeignAbiBit is { } bit && (uint)rule.Number >= bit))
            {
                throw new ArgumentException($"System call number {rule.Number} ({rule.Name}) is out of range for {architecture}.", nameof(rules));
            }

            if (!seen.Add(rule.Number))
            {
                throw new ArgumentException($"System call {rule.Name} ({rule.Number}) has more than one rule; merge them into one condition.", nameof(rules));
            }
        }
    }

    /// <summary>The profile's name, for logs and <c>rfm audit</c>.</summary>
    public string Name { get; }

    /// <summary>The architecture whose numbers the rules carry.</summary>
    public SeccompArchitecture Architecture { get; }

    /// <summary>The rules, in the order the program tries them.</summary>
    public IReadOnlyList<SeccompRule> Rules { get; }

    /// <summary>What a call from another architecture gets: the whole process is killed.</summary>
    public SeccompAction ArchMismatchAction => SeccompAction.KillProcess;

    /// <summary>
    /// What a call of the foreign ABI (x32) gets: ENOSYS, which is what a kernel built without
    /// CONFIG_X86_X32_ABI answers, so a program probing for x32 sees the usual "not there" instead of
    /// dying, and none of the rules can be dodged through x32 numbers.
    /// </summary>
    public SeccompAction ForeignAbiAction => SeccompAction.Errno(Errno.ENOSYS);

    /// <summary>Compiles the profile to classic BPF.</summary>
    public SockFilter[] Compile() => SeccompCompiler.Compile(this);

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Architecture}, {Rules.Count} rules)";
}
