using RainForest.Agent;

// rf-agent is pid 1 of a subOS, started by the supervisor (through a shell that joins the subOS's cgroups
// and util-linux unshare that makes its namespaces):
//   init SPEC             builds the subOS's root, then serves commands until killed.
if (args.Length == 2 && args[0] == "init")
{
    return CellInit.Run(args[1]);
}

// A kernel subOS's agent, started by the guest's init:
//   guest NAME [PORT]     serves the streamed exec protocol on the virtio-serial port PORT (default rainforest.agent).
if (args.Length is 2 or 3 && args[0] == "guest")
{
    return GuestAgent.Run(args.Length == 3 ? args[2] : GuestAgent.DefaultPortName, args[1]);
}

Console.Error.WriteLine("usage: rf-agent init SPEC (started by rfm, not by hand)");
return 2;
