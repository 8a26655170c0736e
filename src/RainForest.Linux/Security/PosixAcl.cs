using System.Buffers.Binary;
using RainForest.Interop;

namespace RainForest.Linux.Security;

/// <summary>
/// Adds or removes one named user's entry in a directory's POSIX ACLs (access and default), keeping every other entry.
/// </summary>
/// <remarks>
/// The kernel's xattr form (<c>system.posix_acl_access</c>, <c>system.posix_acl_default</c>): a version word (2), then
/// entries of tag (16 bits), permissions (16 bits) and id (32 bits), sorted by tag and id. The mask is rewritten as the
/// union of the group and named entries (what <c>setfacl</c> does), and dropped with the last named entry, so the mode's
/// group bits come back.
/// </remarks>
public static class PosixAcl
{
    private const string Access = "system.posix_acl_access";
    private const string Default = "system.posix_acl_default";
    private const ushort UserObj = 0x01, User = 0x02, GroupObj = 0x04, Group = 0x08, Mask = 0x10, Other = 0x20;
    private const uint Undefined = uint.MaxValue;

    /// <summary>Gives host uid <paramref name="uid"/> read, write and search on <paramref name="path"/> and on what is created in it.</summary>
    /// <exception cref="LinuxException">The file system has no POSIX ACLs (EOPNOTSUPP), or the kernel refused.</exception>
    public static void GrantUser(string path, uint uid)
    {
        Update(path, Access, uid, grant: true);
        Update(path, Default, uid, grant: true);
    }

    /// <summary>Removes host uid <paramref name="uid"/>'s entries from <paramref name="path"/>'s ACLs; nothing when it has none.</summary>
    /// <exception cref="LinuxException">The kernel refused.</exception>
    public static void RevokeUser(string path, uint uid)
    {
        Update(path, Access, uid, grant: false);
        Update(path, Default, uid, grant: false);
    }

    /// <summary>The ACL <paramref name="name"/> of <paramref name="path"/> as (tag, permissions, id), or null when it has none.</summary>
    public static IReadOnlyList<(ushort Tag, ushort Perm, uint Id)>? Read(string path, string name)
    {
        ArgumentNullException.ThrowIfNull(path);
        var size = Libc.getxattr(path, name, null, 0);
        if (size < 0)
        {
            var errno = Errors.LastErrno();
            return errno == Errno.ENODATA ? null : throw Errors.For(errno, "getxattr " + name, path);
        }

        var value = new byte[size];
        size = Libc.getxattr(path, name, value, (nuint)value.Length);
        if (size < 0)
        {
            throw Errors.Last("getxattr " + name, path);
        }

        var entries = new List<(ushort, ushort, uint)>();
        for (var offset = 4; offset + 8 <= size; offset += 8)
        {
            entries.Add((BinaryPrimitives.ReadUInt16LittleEndian(value.AsSpan(offset)), BinaryPrimitives.ReadUInt16LittleEndian(value.AsSpan(offset + 2)),
                BinaryPrimitives.ReadUInt32LittleEndian(value.AsSpan(offset + 4))));
        }

        return entries;
    }

    private static void Update(string path, string name, uint uid, bool grant)
    {
        var existing = Read(path, name);
        if (existing is null && !grant)
        {
            return;
        }

        var entries = existing?.ToList() ?? FromMode(File.GetUnixFileMode(path));
        entries.RemoveAll(e => e.Tag == User && e.Id == uid);
        entries.RemoveAll(e => e.Tag == Mask);
        if (grant)
        {
            entries.Add((User, 7, uid));
        }

        if (entries.Any(e => e.Tag is User or Group))
        {
            var mask = entries.Where(e => e.Tag is User or Group or GroupObj).Aggregate((ushort)0, (m, e) => (ushort)(m | e.Perm));
            entries.Add((Mask, mask, Undefined));
        }

        entries.Sort((a, b) => a.Tag != b.Tag ? a.Tag.CompareTo(b.Tag) : a.Id.CompareTo(b.Id));
        var value = new byte[4 + (8 * entries.Count)];
        BinaryPrimitives.WriteUInt32LittleEndian(value, 2);
        for (var i = 0; i < entries.Count; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(value.AsSpan(4 + (8 * i)), entries[i].Tag);
            BinaryPrimitives.WriteUInt16LittleEndian(value.AsSpan(6 + (8 * i)), entries[i].Perm);
            BinaryPrimitives.WriteUInt32LittleEndian(value.AsSpan(8 + (8 * i)), entries[i].Id);
        }

        if (Libc.setxattr(path, name, value, (nuint)value.Length, 0) < 0)
        {
            throw Errors.Last("setxattr " + name, path);
        }
    }

    private static List<(ushort Tag, ushort Perm, uint Id)> FromMode(UnixFileMode mode) =>
    [
        (UserObj, (ushort)(((int)mode >> 6) & 7), Undefined),
        (GroupObj, (ushort)(((int)mode >> 3) & 7), Undefined),
        (Other, (ushort)((int)mode & 7), Undefined),
    ];
}
