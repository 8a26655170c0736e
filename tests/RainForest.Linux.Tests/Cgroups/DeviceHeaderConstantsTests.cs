using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RainForest.Linux.Cgroups;
using RainForest.Linux.Security;
using RainForest.Linux.Tests.Security;

namespace RainForest.Linux.Tests.Cgroups;

/// <summary>The bpf(2) constants, layouts and opcodes of the device program, checked against linux/bpf.h.</summary>
public sealed class DeviceHeaderConstantsTests
{
    [GccFact]
    public void BpfConstantsAndLayouts_MatchLinuxBpfH()
    {
        var values = CProgram.Values("""
            #include <stdio.h>
            #include <stddef.h>
            #include <sys/syscall.h>
            #include <fcntl.h>
            #include <linux/bpf.h>
            #define P(x) printf(#x " %ld\n", (long)(x))
            int main(void) {
              P(SYS_bpf); P(O_DIRECTORY);
              P(BPF_PROG_TYPE_CGROUP_DEVICE); P(BPF_CGROUP_DEVICE); P(BPF_F_ALLOW_MULTI); P(BPF_OBJ_NAME_LEN); P(BPF_TAG_SIZE);
              P(BPF_PROG_LOAD); P(BPF_PROG_ATTACH); P(BPF_PROG_QUERY); P(BPF_PROG_GET_FD_BY_ID); P(BPF_OBJ_GET_INFO_BY_FD);
              P(BPF_DEVCG_ACC_MKNOD); P(BPF_DEVCG_ACC_READ); P(BPF_DEVCG_ACC_WRITE); P(BPF_DEVCG_DEV_BLOCK); P(BPF_DEVCG_DEV_CHAR);
              P(sizeof(struct bpf_insn)); P(offsetof(struct bpf_insn, off)); P(offsetof(struct bpf_insn, imm));
              P(offsetof(struct bpf_cgroup_dev_ctx, access_type)); P(offsetof(struct bpf_cgroup_dev_ctx, major)); P(offsetof(struct bpf_cgroup_dev_ctx, minor));
              P(offsetof(union bpf_attr, prog_type)); P(offsetof(union bpf_attr, insn_cnt)); P(offsetof(union bpf_attr, insns)); P(offsetof(union bpf_attr, license));
              P(offsetof(union bpf_attr, log_level)); P(offsetof(union bpf_attr, log_size)); P(offsetof(union bpf_attr, log_buf));
              P(offsetof(union bpf_attr, kern_version)); P(offsetof(union bpf_attr, prog_flags)); P(offsetof(union bpf_attr, prog_name));
              P(offsetof(union bpf_attr, prog_ifindex)); P(offsetof(union bpf_attr, expected_attach_type));
              P(offsetof(union bpf_attr, target_fd)); P(offsetof(union bpf_attr, attach_bpf_fd)); P(offsetof(union bpf_attr, attach_type)); P(offsetof(union bpf_attr, attach_flags));
              P(offsetof(union bpf_attr, query.target_fd)); P(offsetof(union bpf_attr, query.attach_type)); P(offsetof(union bpf_attr, query.query_flags));
              P(offsetof(union bpf_attr, query.attach_flags)); P(offsetof(union bpf_attr, query.prog_ids)); P(offsetof(union bpf_attr, query.prog_cnt));
              P(offsetof(union bpf_attr, prog_id)); P(offsetof(union bpf_attr, next_id)); P(offsetof(union bpf_attr, open_flags));
              P(offsetof(union bpf_attr, info.bpf_fd)); P(offsetof(union bpf_attr, info.info_len)); P(offsetof(union bpf_attr, info.info));
              P(offsetof(struct bpf_prog_info, type)); P(offsetof(struct bpf_prog_info, id)); P(offsetof(struct bpf_prog_info, tag)); P(offsetof(struct bpf_prog_info, name));
              P(BPF_LDX|BPF_MEM|BPF_W); P(BPF_ALU|BPF_AND|BPF_K); P(BPF_ALU|BPF_RSH|BPF_K); P(BPF_ALU64|BPF_MOV|BPF_X); P(BPF_ALU64|BPF_MOV|BPF_K);
              P(BPF_JMP|BPF_JNE|BPF_K); P(BPF_JMP|BPF_JNE|BPF_X); P(BPF_JMP|BPF_EXIT); P(BPF_REG_10);
              return 0;
            }
            """);

        Check(values, "SYS_bpf", Interop.Libc.SYS_bpf);
        Check(values, "O_DIRECTORY", Interop.Libc.O_DIRECTORY);
        Check(values, "BPF_PROG_TYPE_CGROUP_DEVICE", Interop.Libc.BPF_PROG_TYPE_CGROUP_DEVICE);
        Check(values, "BPF_CGROUP_DEVICE", Interop.Libc.BPF_CGROUP_DEVICE);
        Check(values, "BPF_F_ALLOW_MULTI", Interop.Libc.BPF_F_ALLOW_MULTI);
        Check(values, "BPF_OBJ_NAME_LEN", Interop.Libc.BPF_OBJ_NAME_LEN);
        Check(values, "BPF_TAG_SIZE", Interop.Libc.BPF_TAG_SIZE);
        Check(values, "BPF_PROG_LOAD", Interop.Libc.BPF_PROG_LOAD);
        Check(values, "BPF_PROG_ATTACH", Interop.Libc.BPF_PROG_ATTACH);
        Check(values, "BPF_PROG_QUERY", Interop.Libc.BPF_PROG_QUERY);
        Check(values, "BPF_PROG_GET_FD_BY_ID", Interop.Libc.BPF_PROG_GET_FD_BY_ID);
        Check(values, "BPF_OBJ_GET_INFO_BY_FD", Interop.Libc.BPF_OBJ_GET_INFO_BY_FD);
        Check(values, "BPF_DEVCG_ACC_MKNOD", (long)DeviceAccess.Mknod);
        Check(values, "BPF_DEVCG_ACC_READ", (long)DeviceAccess.Read);
        Check(values, "BPF_DEVCG_ACC_WRITE", (long)DeviceAccess.Write);
        Check(values, "BPF_DEVCG_DEV_BLOCK", (long)DeviceType.Block);
        Check(values, "BPF_DEVCG_DEV_CHAR", (long)DeviceType.Char);

        Check(values, "sizeof(struct bpf_insn)", EbpfInstruction.Size);
        Check(values, "offsetof(struct bpf_insn, off)", 2);
        Check(values, "offsetof(struct bpf_insn, imm)", 4);
        Check(values, "offsetof(struct bpf_cgroup_dev_ctx, access_type)", DeviceProgram.AccessTypeOffset);
        Check(values, "offsetof(struct bpf_cgroup_dev_ctx, major)", DeviceProgram.MajorOffset);
        Check(values, "offsetof(struct bpf_cgroup_dev_ctx, minor)", DeviceProgram.MinorOffset);

        CheckOffset<Interop.Libc.BpfProgLoadAttr>(values, "offsetof(union bpf_attr, prog_type)", "ProgType");
        CheckOffset<Interop.Libc.BpfProgLoadAttr>(values, "offsetof(union bpf_attr, insn_cnt)", "InsnCnt");
        CheckOffset<Interop.Libc.BpfProgLoadAttr>(values, "offsetof(union bpf_attr, insns)", "Insns");
        CheckOffset<Interop.Libc.BpfProgLoadAttr>(values, "offsetof(union bpf_attr, license)", "License");
        CheckOffset<Interop.Libc.BpfProgLoadAttr>(values, "offsetof(union bpf_attr, log_level)", "LogLevel");
        CheckOffset<Interop.Libc.BpfProgLoadAttr>(values, "offsetof(union bpf_attr, log_size)", "LogSize");
        CheckOffset<Interop.Libc.BpfProgLoadAttr>(values, "offsetof(union bpf_attr, log_buf)", "LogBuf");
        CheckOffset<Interop.Libc.BpfProgLoadAttr>(values, "offsetof(union bpf_attr, kern_version)", "KernVersion");
        CheckOffset<Interop.Libc.BpfProgLoadAttr>(values, "offsetof(union bpf_attr, prog_flags)", "ProgFlags");
        CheckOffset<Interop.Libc.BpfProgLoadAttr>(values, "offsetof(union bpf_attr, prog_name)", "ProgName");
        CheckOffset<Interop.Libc.BpfProgLoadAttr>(values, "offsetof(union bpf_attr, prog_ifindex)", "ProgIfindex");
        CheckOffset<Interop.Libc.BpfProgLoadAttr>(values, "offsetof(union bpf_attr, expected_attach_type)", "ExpectedAttachType");
        Check(values, "offsetof(union bpf_attr, expected_attach_type)", Interop.Libc.BpfProgLoadAttr.Size - 4);

        CheckOffset<Interop.Libc.BpfProgAttachAttr>(values, "offsetof(union bpf_attr, target_fd)", "TargetFd");
        CheckOffset<Interop.Libc.BpfProgAttachAttr>(values, "offsetof(union bpf_attr, attach_bpf_fd)", "AttachBpfFd");
        CheckOffset<Interop.Libc.BpfProgAttachAttr>(values, "offsetof(union bpf_attr, attach_type)", "AttachType");
        CheckOffset<Interop.Libc.BpfProgAttachAttr>(values, "offsetof(union bpf_attr, attach_flags)", "AttachFlags");
        Check(values, "offsetof(union bpf_attr, attach_flags)", Interop.Libc.BpfProgAttachAttr.Size - 4);

        CheckOffset<Interop.Libc.BpfProgQueryAttr>(values, "offsetof(union bpf_attr, query.target_fd)", "TargetFd");
        CheckOffset<Interop.Libc.BpfProgQueryAttr>(values, "offsetof(union bpf_attr, query.attach_type)", "AttachType");
        CheckOffset<Interop.Libc.BpfProgQueryAttr>(values, "offsetof(union bpf_attr, query.query_flags)", "QueryFlags");
        CheckOffset<Interop.Libc.BpfProgQueryAttr>(values, "offsetof(union bpf_attr, query.attach_flags)", "AttachFlags");
        CheckOffset<Interop.Libc.BpfProgQueryAttr>(values, "offsetof(union bpf_attr, query.prog_ids)", "ProgIds");
        CheckOffset<Interop.Libc.BpfProgQueryAttr>(values, "offsetof(union bpf_attr, query.prog_cnt)", "ProgCnt");

        CheckOffset<Interop.Libc.BpfGetIdAttr>(values, "offsetof(union bpf_attr, prog_id)", "ProgId");
        CheckOffset<Interop.Libc.BpfGetIdAttr>(values, "offsetof(union bpf_attr, next_id)", "NextId");
        CheckOffset<Interop.Libc.BpfGetIdAttr>(values, "offsetof(union bpf_attr, open_flags)", "OpenFlags");
        Check(values, "offsetof(union bpf_attr, open_flags)", Interop.Libc.BpfGetIdAttr.Size - 4);

        CheckOffset<Interop.Libc.BpfObjInfoAttr>(values, "offsetof(union bpf_attr, info.bpf_fd)", "BpfFd");
        CheckOffset<Interop.Libc.BpfObjInfoAttr>(values, "offsetof(union bpf_attr, info.info_len)", "InfoLen");
        CheckOffset<Interop.Libc.BpfObjInfoAttr>(values, "offsetof(union bpf_attr, info.info)", "Info");

        CheckOffset<Interop.Libc.BpfProgInfo>(values, "offsetof(struct bpf_prog_info, type)", "Type");
        CheckOffset<Interop.Libc.BpfProgInfo>(values, "offsetof(struct bpf_prog_info, id)", "Id");
        CheckOffset<Interop.Libc.BpfProgInfo>(values, "offsetof(struct bpf_prog_info, tag)", "Tag");
        CheckOffset<Interop.Libc.BpfProgInfo>(values, "offsetof(struct bpf_prog_info, name)", "Name");
        Check(values, "offsetof(struct bpf_prog_info, name)", Interop.Libc.BpfProgInfo.Size - Interop.Libc.BPF_OBJ_NAME_LEN);

        Check(values, "BPF_LDX|BPF_MEM|BPF_W", Ebpf.Ldx | Ebpf.Mem | Ebpf.W);
        Check(values, "BPF_ALU|BPF_AND|BPF_K", Ebpf.Alu | Ebpf.And | Ebpf.K);
        Check(values, "BPF_ALU|BPF_RSH|BPF_K", Ebpf.Alu | Ebpf.Rsh | Ebpf.K);
        Check(values, "BPF_ALU64|BPF_MOV|BPF_X", Ebpf.Alu64 | Ebpf.Mov | Ebpf.X);
        Check(values, "BPF_ALU64|BPF_MOV|BPF_K", Ebpf.Alu64 | Ebpf.Mov | Ebpf.K);
        Check(values, "BPF_JMP|BPF_JNE|BPF_K", Ebpf.Jmp | Ebpf.Jne | Ebpf.K);
        Check(values, "BPF_JMP|BPF_JNE|BPF_X", Ebpf.Jmp | Ebpf.Jne | Ebpf.X);
        Check(values, "BPF_JMP|BPF_EXIT", Ebpf.Jmp | Ebpf.Exit);
        Check(values, "BPF_REG_10", Ebpf.R10);
    }

    [Fact]
    public void Structs_HaveTheirDeclaredSizes()
    {
        Assert.Equal(Interop.Libc.BpfProgLoadAttr.Size, Unsafe.SizeOf<Interop.Libc.BpfProgLoadAttr>());
        Assert.Equal(Interop.Libc.BpfProgAttachAttr.Size, Unsafe.SizeOf<Interop.Libc.BpfProgAttachAttr>());
        Assert.Equal(Interop.Libc.BpfProgQueryAttr.Size, Unsafe.SizeOf<Interop.Libc.BpfProgQueryAttr>());
        Assert.Equal(Interop.Libc.BpfGetIdAttr.Size, Unsafe.SizeOf<Interop.Libc.BpfGetIdAttr>());
        Assert.Equal(Interop.Libc.BpfObjInfoAttr.Size, Unsafe.SizeOf<Interop.Libc.BpfObjInfoAttr>());
        Assert.Equal(Interop.Libc.BpfProgInfo.Size, Unsafe.SizeOf<Interop.Libc.BpfProgInfo>());
        Assert.Equal(EbpfInstruction.Size, Unsafe.SizeOf<EbpfInstruction>());
    }

    private static void Check(Dictionary<string, long> headers, string name, long ours) =>
        Assert.True(headers[name] == ours, $"{name}: the headers say {headers[name]}, RainForest has {ours}");

    private static void CheckOffset<T>(Dictionary<string, long> headers, string name, string field) =>
        Check(headers, name, (long)Marshal.OffsetOf<T>(field));
}
