using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Win32.SafeHandles;
using RainForest.Core.Agent;
using RainForest.Linux;
using RainForest.Linux.Namespaces;
using RainForest.Linux.Security;

namespace RainForest.Agent;

/// <summary>
/// Where the programs of an unprivileged subOS run: the subOS's own user namespace (root inside is an
/// unprivileged host id), a mount namespace in which every mount the agent made while building the root is
/// locked, runc's default capability set, no_new_privs and the seccomp filter.
/// </summary>
/// <remarks>
/// <para>
/// A .NET process can neither join a user namespace nor fork safely, so each program starts as a
/// chain of small C programs from util-linux, exec'd in place (the pid the agent waits for is the
/// program's): <c>choom</c> gives it its OOM score (see <see cref="OomScore"/>), <c>nsenter</c> joins the namespaces through the agent's own descriptors
/// (<c>/proc/1/fd/N</c>, which nothing inside may open: the agent is the host's root and not dumpable)
/// and becomes root inside; <c>setpriv</c> trims the bounding set, and then execs the program.
/// </para>
/// <para>
/// The seccomp filter and no_new_privs are installed on one dedicated agent thread that does nothing
/// but spawn: a child inherits the filter of the thread that made it, so the filter is in force from
/// the first instruction of <c>nsenter</c> on, and no program can ever run without it. The filter lets
/// setns through because nsenter needs it; a program inside cannot use it, since joining a namespace
/// takes CAP_SYS_ADMIN over the namespace's owner, which root inside never has.
/// </para>
/// </remarks>
internal sealed class ProgramSandbox : IDisposable
{
    private readonly SafeFileHandle _userNs;
    private readonly SafeFileHandle _mountNs;
    private readonly string _nsenter;
    private readonly string _setpriv;
    private readonly string[] _oomScore;
    private readonly BlockingCollection<SpawnRequest> _requests = [];
    private readonly Thread _thread;

    private ProgramSandbox(SafeFileHandle userNs, SafeFileHandle mountNs, string nsenter, string setpriv, string[] oomScore)
    {
        _oomScore = oomScore;
        _userNs = userNs;
        _mountNs = mountNs;
        _nsenter = nsenter;
        _setpriv = setpriv;
        _thread = new Thread(Serve) { IsBackground = true, Name = "sandbox-spawner" };
    }

    /// <summary>The capabilities programs keep, as setpriv's --bounding-set argument.</summary>
    internal static string BoundingSetArgument { get; } =
        "-all," + string.Join(',', Capabilities.ContainerDefault.Names.Select(n => "+" + n["CAP_".Length..].ToLowerInvariant()));

    /// <summary>The filter the spawner thread installs.</summary>
    internal static SeccompProfile Profile { get; } = new(
        SeccompProfiles.Default.Name + " (setns left to capabilities)",
        SeccompProfiles.Default.Architecture,
        SeccompProfiles.Default.Rules.Where(r => r.Name != "setns"));

    /// <summary>
    /// Makes the subOS's user namespace (mapped as the spec says) and the locked mount namespace, from the
    /// root the agent has just pivoted into, and starts the filtered spawner thread.
    /// </summary>
    /// <param name="spec">The subOS.</param>
    /// <param name="programOomScore">The oom_score_adj every program starts with (see <see cref="OomScore"/>).</param>
    public static ProgramSandbox Create(CellSpec spec, int programOomScore)
    {
        var choom = SystemTools.Require("choom");
        var unshare = SystemTools.Require("unshare");
        var cat = SystemTools.Require("cat");
        var nsenter = SystemTools.Require("nsenter");
        var setpriv = SystemTools.Require("setpriv");

        // One unshare(CLONE_NEWUSER | CLONE_NEWNS): the mount namespace is the user namespace's, and the
        // kernel locks every mount it copies from this (more privileged) one.
        SafeFileHandle user;
        SafeFileHandle mount;
        using (var holder = NamespaceHolder.Start(unshare, cat, "/proc", "user", "mnt"))
        {
            holder.WaitUntilMade(CellInit.HelperTimeout);
            var ids = new IdMapping(0, spec.IdBase, spec.IdCount);
            holder.MapIds(ids, ids);
            user = holder.Open("user");
            mount = holder.Open("mnt");
        }

        var sandbox = new ProgramSandbox(user, mount, nsenter, setpriv, OomScore.ChainPrefix(choom, programOomScore));
        try
        {
            sandbox.StartThread();
            return sandbox;
        }
        catch
        {
            sandbox.Dispose();
            throw;
        }
    }

    /// <summary>Starts <paramref name="program"/> inside the sandbox and returns its pid; runs on the spawner thread.</summary>
    public int Spawn(SpawnOptions program)
    {
        var request = new SpawnRequest(Wrap(program));
        _requests.Add(request);
        return request.Result.Task.GetAwaiter().GetResult();
    }

    /// <summary>The chain that puts <paramref name="program"/> in the sandbox: choom, nsenter, then setpriv, then the program.</summary>
    internal SpawnOptions Wrap(SpawnOptions program) => new()
    {
        Path = _oomScore[0],
        Argv =
        [
            .. _oomScore,
            _nsenter,
            "--user=/proc/1/fd/" + _userNs.DangerousGetHandle().ToString(CultureInfo.InvariantCulture),
            "--mount=/proc/1/fd/" + _mountNs.DangerousGetHandle().ToString(CultureInfo.InvariantCulture),
            "--wd=" + (program.WorkingDirectory ?? "/"),
            "--",
            _setpriv, "--bounding-set=" + BoundingSetArgument, "--inh-caps=-all", "--",
            program.Path, .. program.Argv.Skip(1),
        ],
        Environment = program.Environment,
        WorkingDirectory = "/",
        Fds = program.Fds,
        Terminal = program.Terminal,
        NewSession = program.NewSession,
    };

    /// <summary>Runs <paramref name="action"/> on a thread of its own inside the programs' mount namespace (see <see cref="MountNamespace"/>).</summary>
    public void InMountNamespace(Action action) => MountNamespace.Run(_mountNs, action);

    public void Dispose()
    {
        _requests.CompleteAdding();
        _userNs.Dispose();
        _mountNs.Dispose();
    }

    private void StartThread()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _requests.Add(new SpawnRequest(null, started));
        _thread.Start();
        started.Task.GetAwaiter().GetResult();
    }

    private void Serve()
    {
        var installed = false;
        foreach (var request in _requests.GetConsumingEnumerable())
        {
            try
            {
                if (!installed)
                {
                    // no_new_privs, then the filter: this thread, and every process it ever starts, is bound by it.
                    Seccomp.Install(Profile.Compile());
                    installed = true;
                }

                if (request.Options is null)
                {
                    request.Started?.SetResult();
                    continue;
                }

                request.Result.SetResult(Spawner.Spawn(request.Options));
            }
            catch (Exception e)
            {
                request.Started?.SetException(e);
                request.Result.TrySetException(e);
            }
        }
    }
}
