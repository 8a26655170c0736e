using System.Text;

namespace RainForest.Core;

/// <summary>Rules for host network interface names (<c>--nic</c>), as the kernel's dev_valid_name has them.</summary>
/// <remarks>
/// The name is joined to <c>/sys/class/net</c> and handed to <c>ip</c>: "..", a slash or an option-like
/// string must be refused before it reaches either.
/// </remarks>
public static class InterfaceName
{
    /// <summary>Longest name in bytes (IFNAMSIZ less the terminating NUL).</summary>
    public const int MaxBytes = 15;

    /// <summary>Returns null when <paramref name="name"/> is a valid interface name, else a one-line reason.</summary>
    public static string? Validate(string? name)
    {
        if (string.IsNullOrEmpty(name) || name is "." or ".." || name[0] == '-' || Encoding.UTF8.GetByteCount(name) > MaxBytes
            || name.Any(c => c is '/' or ':' || char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return $"--nic '{Printable.Escape(name)}': not a network interface name";
        }

        return null;
    }

    /// <summary>Throws an invalid-input <see cref="RfException"/> when the name is not valid.</summary>
    public static string Check(string? name)
    {
        var error = Validate(name);
        return error is null ? name! : throw RfException.Invalid(error);
    }
}
