using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using RainForest.Interop;
using RainForest.Linux.Security;

namespace RainForest.Linux.Cgroups;

/// <summary>Loads device programs into the kernel, attaches them to cgroup v2 directories and lists what is attached.</summary>
/// <remarks>Callers pass directories the prefix guard has proven; nothing here checks paths.</remarks>
internal static class CgroupDevicePrograms
{
    // Room for the verifier's complaint when a load fails; only its last lines go into the error.
    private const int VerifierLogSize = 64 * 1024;

    // Enough for any real hierarchy; the kernel says how many it has when this is short (ENOSPC).
    private const int QueryCapacity = 64;

    private static readonly byte[] s_license = "GPL\0"u8.ToArray();

    /// <summary>True for the errors that mean "this kernel or this process cannot use device programs", not "the program is wrong".</summary>
    public static bool IsUnavailable(LinuxException e) =>
        e.Errno is Interop.Errno.EPERM or Interop.Errno.ENOSYS;

    /// <summary>Loads the program for <paramref name="rules"/> and attaches it to <paramref name="cgroupDir"/> with <c>BPF_F_ALLOW_MULTI</c>.</summary>
    /// <remarks>
    /// ALLOW_MULTI (systemd's choice) runs the program together with any device program an ancestor holds, and the
    /// access needs every one of them to allow it: the host's own policy, if it has one, still applies inside.
    /// The program fd is closed after attaching; the attachment holds the program until the cgroup is removed.
    /// </remarks>
    /// <exception cref="LinuxException">The kernel refused to load or attach (see <see cref="IsUnavailable"/>).</exception>
    public static void Attach(string cgroupDir, IReadOnlyList<DeviceRule> rules)
    {
        var program = DeviceProgram.Generate(rules);
        using var cgroup = OpenDirectory(cgroupDir);
        using var prog = Load(program, cgroupDir);
        var attr = new Interop.Libc.BpfProgAttachAttr
        {
            TargetFd = (int)cgroup.DangerousGetHandle(),
            AttachBpfFd = (int)prog.DangerousGetHandle(),
            AttachType = Interop.Libc.BPF_CGROUP_DEVICE,
            AttachFlags = Interop.Libc.BPF_F_ALLOW_MULTI,
        };
        if (Bpf(Interop.Libc.BPF_PROG_ATTACH, ref attr, Interop.Libc.BpfProgAttachAttr.Size) < 0)
        {
            throw Interop.Errors.Last("bpf(BPF_PROG_ATTACH)", cgroupDir);
        }
    }

    /// <summary>Detaches the device program with id <paramref name="id"/> from <paramref name="cgroupDir"/>.</summary>
    /// <remarks>A program attached with ALLOW_MULTI is detached by naming it: the kernel wants its descriptor, got by id.</remarks>
    /// <exception cref="LinuxException">The program is gone or not attached there, or the kernel refused.</exception>
    public static void Detach(string cgroupDir, uint id)
    {
        using var cgroup = OpenDirectory(cgroupDir);
        var get = new Interop.Libc.BpfGetIdAttr { ProgId = id };
        using var prog = new SafeFileHandle();
        var fd = Bpf(Interop.Libc.BPF_PROG_GET_FD_BY_ID, ref get, Interop.Libc.BpfGetIdAttr.Size);
        if (fd < 0)
        {
            throw Interop.Errors.Last("bpf(BPF_PROG_GET_FD_BY_ID)", cgroupDir);
        }

        Marshal.InitHandle(prog, fd);
        var attr = new Interop.Libc.BpfProgAttachAttr
        {
            TargetFd = (int)cgroup.DangerousGetHandle(),
            AttachBpfFd = fd,
            AttachType = Interop.Libc.BPF_CGROUP_DEVICE,
        };
        if (Bpf(Interop.Libc.BPF_PROG_DETACH, ref attr, Interop.Libc.BpfProgAttachAttr.Size) < 0)
        {
            throw Interop.Errors.Last("bpf(BPF_PROG_DETACH)", cgroupDir);
        }
    }

    /// <summary>The device programs attached directly to <paramref name="cgroupDir"/> (not those of its ancestors).</summary>
    /// <exception cref="LinuxException">The directory cannot be opened or the kernel refused the query.</exception>
    public static IReadOnlyList<AttachedDeviceProgram> Query(string cgroupDir)
    {
        using var cgroup = OpenDirectory(cgroupDir);
        var ids = QueryIds((int)cgroup.DangerousGetHandle(), cgroupDir);
        return [.. ids.Select(Describe)];
    }

    private static unsafe uint[] QueryIds(int cgroupFd, string cgroupDir)
    {
        var capacity = QueryCapacity;
        while (true)
        {
            var ids = new uint[capacity];
            fixed (uint* p = ids)
            {
                var attr = new Interop.Libc.BpfProgQueryAttr
                {
                    TargetFd = cgroupFd,
                    AttachType = Interop.Libc.BPF_CGROUP_DEVICE,
                    ProgIds = (ulong)p,
                    ProgCnt = (uint)ids.Length,
                };
                if (Bpf(Interop.Libc.BPF_PROG_QUERY, ref attr, Interop.Libc.BpfProgQueryAttr.Size) >= 0)
                {
                    return ids[..(int)attr.ProgCnt];
                }

                var errno = Interop.Errors.LastErrno();
                if (errno != Interop.Errno.ENOSPC || attr.ProgCnt <= capacity)
                {
                    throw Interop.Errors.For(errno, "bpf(BPF_PROG_QUERY)", cgroupDir);
                }

                capacity = (int)attr.ProgCnt;
            }
        }
    }

    private static unsafe AttachedDeviceProgram Describe(uint id)
    {
        var get = new Interop.Libc.BpfGetIdAttr { ProgId = id };
        using var prog = new SafeFileHandle();
        var fd = Bpf(Interop.Libc.BPF_PROG_GET_FD_BY_ID, ref get, Interop.Libc.BpfGetIdAttr.Size);
        if (fd < 0)
        {
            // Detached and freed since the query, or no CAP_SYS_ADMIN: the id is all there is to say.
            return new AttachedDeviceProgram(id, string.Empty, string.Empty);
        }

        Marshal.InitHandle(prog, fd);
        var info = default(Interop.Libc.BpfProgInfo);
        var attr = new Interop.Libc.BpfObjInfoAttr { BpfFd = fd, InfoLen = Interop.Libc.BpfProgInfo.Size, Info = (ulong)&info };
        if (Bpf(Interop.Libc.BPF_OBJ_GET_INFO_BY_FD, ref attr, Interop.Libc.BpfObjInfoAttr.Size) < 0)
        {
            return new AttachedDeviceProgram(id, string.Empty, string.Empty);
        }

        var name = new ReadOnlySpan<byte>(info.Name, Interop.Libc.BPF_OBJ_NAME_LEN);
        var end = name.IndexOf((byte)0);
        return new AttachedDeviceProgram(
            id,
            Encoding.UTF8.GetString(end < 0 ? name : name[..end]),
            Convert.ToHexStringLower(new ReadOnlySpan<byte>(info.Tag, Interop.Libc.BPF_TAG_SIZE)));
    }

    private static unsafe SafeFileHandle Load(EbpfInstruction[] program, string cgroupDir)
    {
        var handle = new SafeFileHandle();
        var fd = Load(program, log: null);
        if (fd >= 0)
        {
            Marshal.InitHandle(handle, fd);
            return handle;
        }

        var errno = Interop.Errors.LastErrno();
        if (errno is Interop.Errno.EPERM or Interop.Errno.ENOSYS)
        {
            handle.Dispose();
            throw Interop.Errors.For(errno, "bpf(BPF_PROG_LOAD)", cgroupDir);
        }

        // The verifier rejected it: load once more with its log on, so that the error says why.
        var log = new byte[VerifierLogSize];
        fd = Load(program, log);
        if (fd >= 0)
        {
            Marshal.InitHandle(handle, fd);
            return handle;
        }

        errno = Interop.Errors.LastErrno();
        handle.Dispose();
        var text = Encoding.UTF8.GetString(log, 0, Math.Max(0, Array.IndexOf(log, (byte)0))).TrimEnd();
        var tail = string.Join(" | ", text.Split('\n').TakeLast(3));
        throw Interop.Errors.For(errno, $"bpf(BPF_PROG_LOAD) of the device program ({tail})", cgroupDir);
    }

    private static unsafe int Load(EbpfInstruction[] program, byte[]? log)
    {
        fixed (EbpfInstruction* insns = program)
        fixed (byte* license = s_license)
        fixed (byte* logBuf = log)
        {
            var attr = new Interop.Libc.BpfProgLoadAttr
            {
                ProgType = Interop.Libc.BPF_PROG_TYPE_CGROUP_DEVICE,
                InsnCnt = (uint)program.Length,
                Insns = (ulong)insns,
                License = (ulong)license,
                LogLevel = log is null ? 0u : 1u,
                LogSize = log is null ? 0u : (uint)log.Length,
                LogBuf = (ulong)logBuf,
                ExpectedAttachType = Interop.Libc.BPF_CGROUP_DEVICE,
            };
            var name = Encoding.ASCII.GetBytes(DeviceProgram.Name);
            name.CopyTo(new Span<byte>(attr.ProgName, Interop.Libc.BPF_OBJ_NAME_LEN - 1));
            return (int)Interop.Libc.syscall_bpf(Interop.Libc.SYS_bpf, Interop.Libc.BPF_PROG_LOAD, &attr, Interop.Libc.BpfProgLoadAttr.Size);
        }
    }

    private static SafeFileHandle OpenDirectory(string dir) =>
        Interop.Descriptors.Open(dir, Interop.Libc.O_RDONLY | Interop.Libc.O_DIRECTORY);

    private static unsafe int Bpf<T>(int cmd, ref T attr, int size)
        where T : unmanaged
    {
        fixed (T* p = &attr)
        {
            return (int)Interop.Libc.syscall_bpf(Interop.Libc.SYS_bpf, cmd, p, (uint)size);
        }
    }
}
