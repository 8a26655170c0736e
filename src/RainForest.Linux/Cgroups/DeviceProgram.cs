using System.Security.Cryptography;
using System.Runtime.InteropServices;
using RainForest.Linux.Security;

namespace RainForest.Linux.Cgroups;

/// <summary>
/// Generates the cgroup v2 device program for a list of rules: a <c>BPF_PROG_TYPE_CGROUP_DEVICE</c> eBPF
/// program that returns 1 (allow) when an access matches a rule and 0 (deny, EPERM) otherwise.
/// </summary>
/// <remarks>
/// <para>
/// The kernel runs the program on every open and mknod of a device node by a task in the cgroup, with
/// r1 pointing at <c>struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; }</c>, where
/// <c>access_type</c> is <c>(access &lt;&lt; 16) | type</c>. The program loads the four values once, then
/// tests the rules in order, one block each; a failed test jumps to the next block:
/// </para>
/// <code>
///   r2 = ctx.access_type &amp; 0xffff      type
///   r3 = ctx.access_type &gt;&gt; 16          requested access
///   r4 = ctx.major; r5 = ctx.minor
/// rule:
///   if r2 != type goto next
///   r1 = r3; r1 &amp;= access; if r1 != r3 goto next   (only when the rule is not rwm: the request must be a subset)
///   if r4 != major goto next
///   if r5 != minor goto next                       (only when the rule names a minor)
///   r0 = 1; exit
/// next: ...
///   r0 = 0; exit
/// </code>
/// </remarks>
public static class DeviceProgram
{
    /// <summary>The program's name as the kernel shows it (<c>bpftool prog</c>, <c>BPF_OBJ_GET_INFO_BY_FD</c>); at most 15 characters.</summary>
    public const string Name = "rf_devices";

    // Offsets in struct bpf_cgroup_dev_ctx (linux/bpf.h), checked in the tests.
    internal const short AccessTypeOffset = 0;
    internal const short MajorOffset = 4;
    internal const short MinorOffset = 8;

    private const byte Type = Ebpf.R2;
    private const byte Requested = Ebpf.R3;
    private const byte Major = Ebpf.R4;
    private const byte Minor = Ebpf.R5;
    private const byte Scratch = Ebpf.R1;

    /// <summary>Generates the program that allows exactly <paramref name="rules"/>.</summary>
    public static EbpfInstruction[] Generate(IReadOnlyList<DeviceRule> rules)
    {
        var program = new List<EbpfInstruction>
        {
            EbpfInstruction.LoadWord(Type, Ebpf.R1, AccessTypeOffset),
            EbpfInstruction.And32(Type, 0xffff),
            EbpfInstruction.LoadWord(Requested, Ebpf.R1, AccessTypeOffset),
            EbpfInstruction.RightShift32(Requested, 16),
            EbpfInstruction.LoadWord(Major, Ebpf.R1, MajorOffset),
            EbpfInstruction.LoadWord(Minor, Ebpf.R1, MinorOffset),
        };

        foreach (var rule in rules)
        {
            program.AddRange(Block(rule));
        }

        program.Add(EbpfInstruction.MoveImmediate(Ebpf.R0, 0));
        program.Add(EbpfInstruction.Exit());
        return [.. program];
    }

    /// <summary>
    /// The tags the kernel may give the program (<c>bpf_prog_info.tag</c>, in hex): the first 8 bytes of a hash of
    /// its instructions, SHA-256 on newer kernels (6.18 on the development VM), SHA-1 on older ones.
    /// </summary>
    /// <remarks>
    /// kernel/bpf/core.c (bpf_prog_calc_tag) hashes the instructions as loaded, with only map fds blanked
    /// (this program has none), so an attached program's tag shows whether it is the one generated here.
    /// The real-kernel test checks that one of these is what the running kernel reports.
    /// </remarks>
    public static IReadOnlyList<string> Tags(ReadOnlySpan<EbpfInstruction> program)
    {
        var bytes = MemoryMarshal.AsBytes(program);
#pragma warning disable CA5350 // SHA-1 is not used for security here: it is older kernels' program tag.
        var sha1 = SHA1.HashData(bytes);
#pragma warning restore CA5350
        return [Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 8)), Convert.ToHexStringLower(sha1.AsSpan(0, 8))];
    }

    private static List<EbpfInstruction> Block(DeviceRule rule)
    {
        // Jumps hold 0 until the block's length is known; then each skips to the block's end.
        var block = new List<EbpfInstruction> { EbpfInstruction.JumpIfNotEqual(Type, (int)rule.Type, 0) };
        if (rule.Access != DeviceAccess.All)
        {
            block.Add(EbpfInstruction.Move(Scratch, Requested));
            block.Add(EbpfInstruction.And32(Scratch, (int)rule.Access));
            block.Add(EbpfInstruction.JumpIfNotEqualRegister(Scratch, Requested, 0));
        }

        // DeviceRule bounds major and minor to 12 and 20 bits, so the immediates are never sign-extended.
        block.Add(EbpfInstruction.JumpIfNotEqual(Major, (int)rule.Major, 0));
        if (rule.Minor is { } minor)
        {
            block.Add(EbpfInstruction.JumpIfNotEqual(Minor, (int)minor, 0));
        }

        block.Add(EbpfInstruction.MoveImmediate(Ebpf.R0, 1));
        block.Add(EbpfInstruction.Exit());
        for (var i = 0; i < block.Count; i++)
        {
            if ((block[i].Code & 0x07) == Ebpf.Jmp && block[i].Code != (Ebpf.Jmp | Ebpf.Exit))
            {
                block[i] = block[i].WithOffset((short)(block.Count - (i + 1)));
            }
        }

        return block;
    }
}
