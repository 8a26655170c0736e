using RainForest.Core;

namespace RainForest.Vm.Initramfs;

/// <summary>
/// A kernel's module dependency table, read from the <c>modules.dep</c> and <c>modules.builtin</c>
/// files that depmod writes into <c>lib/modules/RELEASE</c>, and the order in which to load modules.
/// </summary>
/// <remarks>
/// Each line of modules.dep is <c>path/of/module.ko: dep1.ko dep2.ko ...</c>, paths relative to the
/// modules directory, listing every module the first one needs (directly or not). Module names are
/// the file names without <c>.ko</c> (or a compressed <c>.ko.xz</c>, <c>.ko.zst</c>, <c>.ko.gz</c>),
/// with <c>-</c> and <c>_</c> taken as the same character, as modprobe does.
/// </remarks>
public sealed class ModuleDependencies
{
    /// <summary>The dependency file's name.</summary>
    public const string DepFileName = "modules.dep";

    /// <summary>The file listing the modules built into the kernel image.</summary>
    public const string BuiltinFileName = "modules.builtin";

    private static readonly string[] s_suffixes = [".ko.xz", ".ko.zst", ".ko.gz", ".ko"];

    private readonly Dictionary<string, string> _pathByName;
    private readonly Dictionary<string, string[]> _depsByPath;
    private readonly HashSet<string> _builtin;

    private ModuleDependencies(Dictionary<string, string> pathByName, Dictionary<string, string[]> depsByPath, HashSet<string> builtin)
    {
        _pathByName = pathByName;
        _depsByPath = depsByPath;
        _builtin = builtin;
    }

    /// <summary>How many loadable modules the table knows.</summary>
    public int Count => _pathByName.Count;

    /// <summary>Reads <c>modules.dep</c> (and <c>modules.builtin</c> where present) from a modules directory.</summary>
    /// <exception cref="RfException">The directory has no modules.dep (depmod has not run there).</exception>
    public static ModuleDependencies Load(string modulesDirectory)
    {
        var dep = Path.Combine(modulesDirectory, DepFileName);
        if (!File.Exists(dep))
        {
            throw RfException.Failed($"{dep} does not exist: run depmod for that kernel first");
        }

        var builtin = Path.Combine(modulesDirectory, BuiltinFileName);
        return Parse(File.ReadAllText(dep), File.Exists(builtin) ? File.ReadAllText(builtin) : string.Empty);
    }

    /// <summary>Parses the text of modules.dep and of modules.builtin.</summary>
    /// <exception cref="FormatException">A line of modules.dep has no colon.</exception>
    public static ModuleDependencies Parse(string modulesDep, string modulesBuiltin = "")
    {
        ArgumentNullException.ThrowIfNull(modulesDep);
        ArgumentNullException.ThrowIfNull(modulesBuiltin);
        var pathByName = new Dictionary<string, string>(StringComparer.Ordinal);
        var depsByPath = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var number = 0;
        foreach (var raw in modulesDep.Split('\n'))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new FormatException($"{DepFileName} line {number}: expected 'module.ko: dependencies', got '{line}'");
            }

            var path = line[..colon].Trim();
            depsByPath[path] = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

            // The first path wins, as in modprobe: depmod lists the preferred location of a name first.
            pathByName.TryAdd(NameOf(path), path);
        }

        var builtin = modulesBuiltin.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(NameOf)
            .ToHashSet(StringComparer.Ordinal);
        return new ModuleDependencies(pathByName, depsByPath, builtin);
    }

    /// <summary>The module name of a path or name: file name without the .ko suffix, <c>-</c> as <c>_</c>.</summary>
    public static string NameOf(string pathOrName)
    {
        ArgumentNullException.ThrowIfNull(pathOrName);
        var name = Path.GetFileName(pathOrName);
        foreach (var suffix in s_suffixes)
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal))
            {
                name = name[..^suffix.Length];
                break;
            }
        }

        return name.Replace('-', '_');
    }

    /// <summary>Whether the module is built into the kernel image (it needs no loading).</summary>
    public bool IsBuiltin(string name) => _builtin.Contains(NameOf(name));

    /// <summary>The path of a loadable module relative to the modules directory, or null where the table has none.</summary>
    public string? PathOf(string name) => _pathByName.GetValueOrDefault(NameOf(name));

    /// <summary>
    /// The modules to load, in an order that loads each one after everything it needs: the paths
    /// relative to the modules directory, each once. Built-in modules are left out.
    /// </summary>
    /// <exception cref="RfException">A name is neither a loadable nor a built-in module, or the table has a cycle.</exception>
    public IReadOnlyList<string> LoadOrder(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var order = new List<string>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        var visiting = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (IsBuiltin(name) && PathOf(name) is null)
            {
                continue;
            }

            var path = PathOf(name) ?? throw RfException.Failed($"module {name}: neither in {DepFileName} nor built into the kernel");
            Visit(path, order, done, visiting);
        }

        return order;
    }

    // Every dependency is visited before the module itself. modules.dep lists a module's whole
    // closure, so a dependency's own line suffices for its needs; the order within a line is not relied upon.
    private void Visit(string path, List<string> order, HashSet<string> done, HashSet<string> visiting)
    {
        if (done.Contains(path))
        {
            return;
        }

        if (!visiting.Add(path))
        {
            throw RfException.Failed($"{DepFileName}: {path} depends on itself through {string.Join(", ", visiting)}");
        }

        if (!_depsByPath.TryGetValue(path, out var deps))
        {
            throw RfException.Failed($"{DepFileName}: a module needs {path}, which has no line of its own");
        }

        // Right to left, as modprobe loads them: with an unordered visit the result would still be
        // correct, this keeps it the same as modprobe's where modules.dep is well formed.
        for (var i = deps.Length - 1; i >= 0; i--)
        {
            Visit(deps[i], order, done, visiting);
        }

        visiting.Remove(path);
        done.Add(path);
        order.Add(path);
    }
}
