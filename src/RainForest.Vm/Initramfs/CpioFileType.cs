namespace RainForest.Vm.Initramfs;

/// <summary>The file type bits of a cpio entry's mode (the <c>S_IF*</c> values of <c>stat.h</c>).</summary>
public enum CpioFileType
{
    /// <summary>A regular file (<c>S_IFREG</c>).</summary>
    Regular = 0x8000,

    /// <summary>A directory (<c>S_IFDIR</c>).</summary>
    Directory = 0x4000,

    /// <summary>A symbolic link; its data is the target (<c>S_IFLNK</c>).</summary>
    Symlink = 0xA000,

    /// <summary>A character device (<c>S_IFCHR</c>).</summary>
    CharacterDevice = 0x2000,

    /// <summary>A block device (<c>S_IFBLK</c>).</summary>
    BlockDevice = 0x6000,
}
