using Microsoft.AspNetCore.Http.HttpResults;
using RainForest.Cli;
using RainForest.Supervisor.Ledger;

namespace RainForest.Service.Api;

/// <summary><c>GET /v1/journal</c> (rfm log --json), <c>GET /v1/machine</c> and <c>POST /v1/reconcile</c>.</summary>
internal static class JournalEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/journal", Journal).WithTags("journal").WithSummary("The journal, oldest first (rfm log --json); last=N keeps the newest N, target=NAME one subOS's");
        app.MapGet("/v1/machine", Machine).WithTags("machine").WithSummary("The topology, the partition, every CPU with its owner and memory per subOS");
        app.MapPost("/v1/reconcile", Reconcile).WithTags("machine").WithSummary("Repair what a crash left behind and check the ledger (rfm reconcile)");
    }

    private static Ok<IReadOnlyList<JournalEntry>> Journal(string? last, string? target, SupervisorAccess access)
    {
        var count = last is null ? (int?)null : Globals.ParseCount(last, "last");
        var subOs = target is null ? null : Globals.CheckName(target, "target: ");

        // deinit keeps the journal, and so does this endpoint.
        return TypedResults.Ok(access.Read(s => s.Journal(count, subOs), requireInit: false));
    }

    private static Ok<MachineView> Machine(SupervisorAccess access) =>
        TypedResults.Ok(access.Read(s => MachineView.From(Supervisor.RainForestSupervisor.Topology(s.HostRoot), s.Pool(), s.List())));

    private static Ok<ReconcileResult> Reconcile(SupervisorAccess access)
    {
        var (repairs, problems) = access.Reconcile();
        return TypedResults.Ok(new ReconcileResult(repairs, problems));
    }
}
