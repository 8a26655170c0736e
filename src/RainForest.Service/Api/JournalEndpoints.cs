using Microsoft.AspNetCore.Http.HttpResults;
using RainForest.Cli;
using RainForest.Supervisor.Ledger;

namespace RainForest.Service.Api;

/// <summary><c>GET /v1/journal</c>: the journal, as <c>rfm log --json</c> prints it.</summary>
internal static class JournalEndpoints
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/v1/journal", Journal).WithTags("journal").WithSummary("The journal, oldest first (rfm log --json); last=N keeps the newest N, target=NAME one subOS's");

    private static Ok<IReadOnlyList<JournalEntry>> Journal(string? last, string? target, SupervisorAccess access)
    {
        var count = last is null ? (int?)null : Globals.ParseCount(last, "last");
        var subOs = target is null ? null : Globals.CheckName(target, "target: ");

        // deinit keeps the journal, and so does this endpoint.
        return TypedResults.Ok(access.Read(s => s.Journal(count, subOs), requireInit: false));
    }
}
