using System.Runtime.CompilerServices;
using System.Text;
using RainForest.Linux.Security;

namespace RainForest.Linux.Tests.Security;

/// <summary>System call numbers, interop constants and layouts, checked against the installed C headers.</summary>
public sealed class HeaderConstantsTests
{
    [GccFact]
    public void SyscallTable_EveryNumber_MatchesSysSyscallH()
    {
        var source = new StringBuilder("#include <stdio.h>\n#include <sys/syscall.h>\nint main(void) {\n");
        foreach (var name in SeccompArchitecture.X64.Syscalls.Keys)
        {
            source.Append(CultureInfoFree($"#ifdef SYS_{name}\n  printf(\"{name} %ld\\n\", (long)SYS_{name});\n#endif\n"));
        }

        source.Append("  return 0;\n}\n");
        var values = CProgram.Values(source.ToString());

        foreach (var (name, number) in SeccompArchitecture.X64.Syscalls)
        {
            // Headers older than the kernel lack the newest calls (open_tree_attr needs 6.15 headers);
            // those numbers are the unified ones from 424 up.
            if (values.TryGetValue(name, out var expected))
            {
                Assert.True(expected == number, $"{name}: table says {number}, the headers say {expected}");
            }
            else
            {
                Assert.True(number >= 424, $"{name} ({number}) is missing from the headers");
            }
        }

        Assert.True(values.Count >= SeccompArchitecture.X64.Syscalls.Count - 1, $"only {values.Count} names found in the headers");
    }

    [GccFact]
    public void InteropConstantsAndLayouts_MatchTheKernelHeaders()
    {
        var values = CProgram.Values("""
            #include <stdio.h>
            #include <stddef.h>
            #include <linux/prctl.h>
            #include <linux/seccomp.h>
            #include <linux/filter.h>
            #include <linux/audit.h>
            #include <linux/capability.h>
            #define P(x) printf(#x " %ld\n", (long)(x))
            int main(void) {
              P(PR_SET_SECCOMP); P(PR_CAPBSET_READ); P(PR_CAPBSET_DROP); P(PR_SET_NO_NEW_PRIVS); P(PR_GET_NO_NEW_PRIVS);
              P(PR_CAP_AMBIENT); P(PR_CAP_AMBIENT_CLEAR_ALL); P(SECCOMP_MODE_FILTER);
              P(SECCOMP_RET_KILL_PROCESS); P(SECCOMP_RET_ERRNO); P(SECCOMP_RET_ALLOW); P(SECCOMP_RET_LOG); P(SECCOMP_RET_TRAP);
              P(AUDIT_ARCH_X86_64); P(_LINUX_CAPABILITY_VERSION_3); P(_LINUX_CAPABILITY_U32S_3); P(CAP_LAST_CAP);
              P(sizeof(struct sock_filter)); P(sizeof(struct sock_fprog)); P(offsetof(struct sock_fprog, filter));
              P(sizeof(struct seccomp_data)); P(offsetof(struct seccomp_data, arch)); P(offsetof(struct seccomp_data, instruction_pointer));
              P(offsetof(struct seccomp_data, args));
              P(sizeof(struct __user_cap_header_struct)); P(sizeof(struct __user_cap_data_struct));
              P(BPF_LD|BPF_W|BPF_ABS); P(BPF_JMP|BPF_JEQ|BPF_K); P(BPF_JMP|BPF_JGE|BPF_K); P(BPF_JMP|BPF_JSET|BPF_K); P(BPF_JMP|BPF_JA); P(BPF_RET|BPF_K);
              return 0;
            }
            """);

        Check(values, "PR_SET_SECCOMP", Interop.Libc.PR_SET_SECCOMP);
        Check(values, "PR_CAPBSET_READ", Interop.Libc.PR_CAPBSET_READ);
        Check(values, "PR_CAPBSET_DROP", Interop.Libc.PR_CAPBSET_DROP);
        Check(values, "PR_SET_NO_NEW_PRIVS", Interop.Libc.PR_SET_NO_NEW_PRIVS);
        Check(values, "PR_GET_NO_NEW_PRIVS", Interop.Libc.PR_GET_NO_NEW_PRIVS);
        Check(values, "PR_CAP_AMBIENT", Interop.Libc.PR_CAP_AMBIENT);
        Check(values, "PR_CAP_AMBIENT_CLEAR_ALL", Interop.Libc.PR_CAP_AMBIENT_CLEAR_ALL);
        Check(values, "SECCOMP_MODE_FILTER", Interop.Libc.SECCOMP_MODE_FILTER);
        Check(values, "SECCOMP_RET_KILL_PROCESS", SeccompAction.KillProcess.Value);
        Check(values, "SECCOMP_RET_ERRNO", SeccompAction.Errno(0).Value);
        Check(values, "SECCOMP_RET_ALLOW", SeccompAction.Allow.Value);
        Check(values, "SECCOMP_RET_LOG", SeccompAction.Log.Value);
        Check(values, "SECCOMP_RET_TRAP", SeccompAction.Trap.Value);
        Check(values, "AUDIT_ARCH_X86_64", SeccompArchitecture.X64.AuditArch);
        Check(values, "_LINUX_CAPABILITY_VERSION_3", Interop.Libc.LINUX_CAPABILITY_VERSION_3);
        Check(values, "_LINUX_CAPABILITY_U32S_3", Interop.Libc.LINUX_CAPABILITY_U32S_3);
        Assert.True(values["CAP_LAST_CAP"] <= (int)CapabilitySet.LastKnown, "the headers know capabilities this build does not name");
        Check(values, "sizeof(struct sock_filter)", SockFilter.Size);
        Check(values, "sizeof(struct sock_fprog)", Unsafe.SizeOf<Interop.Libc.SockFprog>());
        Check(values, "offsetof(struct sock_fprog, filter)", (long)System.Runtime.InteropServices.Marshal.OffsetOf<Interop.Libc.SockFprog>("Filter"));
        Check(values, "sizeof(struct seccomp_data)", SeccompData.Size);
        Check(values, "offsetof(struct seccomp_data, arch)", SeccompData.Arch);
        Check(values, "offsetof(struct seccomp_data, instruction_pointer)", SeccompData.InstructionPointer);
        Check(values, "offsetof(struct seccomp_data, args)", SeccompData.ArgLow(0));
        Check(values, "sizeof(struct __user_cap_header_struct)", Unsafe.SizeOf<Interop.Libc.CapUserHeader>());
        Check(values, "sizeof(struct __user_cap_data_struct)", Unsafe.SizeOf<Interop.Libc.CapUserData>());
        Check(values, "BPF_LD|BPF_W|BPF_ABS", Bpf.Ld | Bpf.W | Bpf.Abs);
        Check(values, "BPF_JMP|BPF_JEQ|BPF_K", Bpf.Jmp | Bpf.Jeq | Bpf.K);
        Check(values, "BPF_JMP|BPF_JGE|BPF_K", Bpf.Jmp | Bpf.Jge | Bpf.K);
        Check(values, "BPF_JMP|BPF_JSET|BPF_K", Bpf.Jmp | Bpf.Jset | Bpf.K);
        Check(values, "BPF_JMP|BPF_JA", Bpf.Jmp | Bpf.Ja);
        Check(values, "BPF_RET|BPF_K", Bpf.Ret | Bpf.K);
    }

    [GccFact]
    public void CapabilityNames_MatchLinuxCapabilityH()
    {
        var source = new StringBuilder("#include <stdio.h>\n#include <linux/capability.h>\nint main(void) {\n");
        for (var bit = 0; bit <= (int)CapabilitySet.LastKnown; bit++)
        {
            var name = CapabilitySet.NameOf((Capability)bit);
            source.Append(CultureInfoFree($"  printf(\"{name} %d\\n\", {name});\n"));
        }

        source.Append("  return 0;\n}\n");
        var values = CProgram.Values(source.ToString());

        for (var bit = 0; bit <= (int)CapabilitySet.LastKnown; bit++)
        {
            Assert.Equal(bit, values[CapabilitySet.NameOf((Capability)bit)]);
        }
    }

    private static void Check(Dictionary<string, long> headers, string name, long ours) =>
        Assert.True(headers[name] == ours, $"{name}: the headers say {headers[name]}, RainForest has {ours}");

    private static string CultureInfoFree(FormattableString text) => FormattableString.Invariant(text);
}
