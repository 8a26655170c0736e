namespace RainForest.Vm.Kernels;

/// <summary>Orders kernel releases by their numbers (6.1.0-57 after 6.1.0-9), text where they differ otherwise.</summary>
internal sealed class ReleaseComparer : IComparer<string>
{
    public static readonly ReleaseComparer Instance = new();

    public int Compare(string? x, string? y)
    {
        var a = Split(x ?? string.Empty);
        var b = Split(y ?? string.Empty);
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            var byNumber = long.TryParse(a[i], out var na) && long.TryParse(b[i], out var nb)
                ? na.CompareTo(nb)
                : string.CompareOrdinal(a[i], b[i]);
            if (byNumber != 0)
            {
                return byNumber;
            }
        }

        return a.Length.CompareTo(b.Length);
    }

    private static string[] Split(string release) => release.Split(['.', '-'], StringSplitOptions.None);
}
