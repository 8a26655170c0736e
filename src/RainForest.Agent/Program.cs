using RainForest.Agent;

// rf-agent has two roles, both started by the supervisor:
//   launch SPEC PROCS...  joins the subOS's cgroups, then becomes `unshare` which starts `init` as pid 1;
//   init SPEC             is pid 1 of the subOS: builds its root, then serves commands until killed.
if (args.Length >= 2 && args[0] == "launch")
{
    return Launcher.Run(args[1], args[2..]);
}

if (args.Length == 2 && args[0] == "init")
{
    return CellInit.Run(args[1]);
}

Console.Error.WriteLine("usage: rf-agent launch SPEC CGROUP_PROCS... | rf-agent init SPEC (started by rfm, not by hand)");
return 2;
