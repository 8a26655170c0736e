using RainForest.Linux.Security;

namespace RainForest.Linux.Tests.Security;

/// <summary>The named-user ACL entry a read-write share gives a kernel subOS's QEMU, on a tmpfs directory of the test's own.</summary>
public sealed class PosixAclTests : IDisposable
{
    private const ushort User = 0x02, Mask = 0x10;
    private readonly DirectoryInfo _dir = Directory.CreateDirectory(Path.Combine("/dev/shm", $"rf-acltest-{Guid.NewGuid():N}"));

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void GrantUser_ThenRevoke_EntryAndMaskComeAndGoOtherEntriesStay()
    {
        File.SetUnixFileMode(_dir.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);

        PosixAcl.GrantUser(_dir.FullName, 1_073_741_824);
        PosixAcl.GrantUser(_dir.FullName, 1_073_807_360);

        var access = PosixAcl.Read(_dir.FullName, "system.posix_acl_access")!;
        Assert.Equal([(User, (ushort)7, 1_073_741_824u), (User, (ushort)7, 1_073_807_360u)], access.Where(e => e.Tag == User));
        Assert.Contains(access, e => e.Tag == Mask && e.Perm == 7);
        Assert.Contains(PosixAcl.Read(_dir.FullName, "system.posix_acl_default")!, e => e.Tag == User && e.Id == 1_073_741_824u);

        // A file created inside inherits the entry from the default ACL.
        var file = Path.Combine(_dir.FullName, "f");
        File.WriteAllText(file, "x");
        Assert.Contains(PosixAcl.Read(file, "system.posix_acl_access")!, e => e.Tag == User && e.Id == 1_073_741_824u);

        PosixAcl.RevokeUser(_dir.FullName, 1_073_741_824);

        access = PosixAcl.Read(_dir.FullName, "system.posix_acl_access")!;
        Assert.DoesNotContain(access, e => e.Tag == User && e.Id == 1_073_741_824u);
        Assert.Contains(access, e => e.Tag == User && e.Id == 1_073_807_360u);

        // The last named entry gone, the mask goes too and the mode's group bits are the group entry's again.
        PosixAcl.RevokeUser(_dir.FullName, 1_073_807_360);
        Assert.DoesNotContain(PosixAcl.Read(_dir.FullName, "system.posix_acl_access") ?? [], e => e.Tag is User or Mask);
        Assert.Equal(UnixFileMode.GroupRead | UnixFileMode.GroupExecute, File.GetUnixFileMode(_dir.FullName) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute));
    }

    [Fact]
    public void RevokeUser_NoAcl_NothingChanges()
    {
        PosixAcl.RevokeUser(_dir.FullName, 1_073_741_824);

        Assert.Null(PosixAcl.Read(_dir.FullName, "system.posix_acl_default"));
    }
}
