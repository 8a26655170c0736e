using Microsoft.AspNetCore.Http.HttpResults;
using RainForest.Cli;
using RainForest.Core;
using RainForest.Core.Elastic;
using RainForest.Supervisor.Ledger;

namespace RainForest.Service.Api;

/// <summary>
/// <c>/v1/lend</c>, <c>/v1/reclaim</c>, <c>/v1/loans</c>: CPUs lent by hand, as <c>rfm lend</c> and <c>rfm reclaim</c> do,
/// journalled as <c>lend</c>/<c>borrow</c> and <c>reclaim</c>/<c>return</c> like the controller's own moves.
/// </summary>
internal static class LoanEndpoints
{
    /// <summary>The journal's "why" for a loan made through the API.</summary>
    public const string LendReason = "by hand (POST /v1/lend)";

    /// <summary>The journal's "why" for a reclaim made through the API.</summary>
    public const string ReclaimReason = "by hand (POST /v1/reclaim)";

    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1").WithTags("loans");
        group.MapPost("/lend", Lend).WithSummary("Lend CPUs from one subOS to another (rfm lend --json); a donor lent its last CPU is parked");
        group.MapPost("/reclaim", Reclaim).WithSummary("Return lent CPUs to their donors, newest loan first (rfm reclaim --json)");
        group.MapGet("/loans", Loans).WithSummary("Outstanding loans, oldest first; taker=NAME keeps one borrower's");
        group.MapPut("/idle/{taker}", ShareIdle).WithSummary("The taker also runs on the donor's CPUs at idle priority (rfm lend DONOR TAKER --idle); body {\"donor\": NAME}");
        group.MapDelete("/idle/{taker}", EndIdle).WithSummary("The taker runs on its own CPUs again (rfm reclaim TAKER --idle); owning none, it is parked");
    }

    private static NoContent ShareIdle(string taker, LendRequest body, SupervisorAccess access)
    {
        var borrower = Globals.CheckName(taker, "taker: ");
        var donor = Globals.CheckName(SubOsEndpoints.Required(body.Donor, "donor"), "donor: ");
        if (body.Cpus is not null || body.For is not null || (body.Taker is { } t && t != borrower))
        {
            throw RfException.Invalid("idle time is lent on all of the donor's CPUs until DELETE /v1/idle/{taker}: only \"donor\" belongs in the body");
        }

        access.Write(s =>
        {
            s.ShareIdle(donor, borrower, LendReason);
            return 0;
        });
        return TypedResults.NoContent();
    }

    private static NoContent EndIdle(string taker, SupervisorAccess access)
    {
        var borrower = Globals.CheckName(taker, "taker: ");
        access.Write(s =>
        {
            s.EndIdle(borrower, ReclaimReason);
            return 0;
        });
        return TypedResults.NoContent();
    }

    private static Ok<LoanRecord> Lend(LendRequest body, SupervisorAccess access)
    {
        var donor = Globals.CheckName(SubOsEndpoints.Required(body.Donor, "donor"), "donor: ");
        var taker = Globals.CheckName(SubOsEndpoints.Required(body.Taker, "taker"), "taker: ");
        var cpus = body.Cpus ?? throw RfException.Invalid("cpus is required");
        if (cpus < 1)
        {
            throw RfException.Invalid($"cpus {cpus}: lend at least 1 CPU");
        }

        TimeSpan? duration = null;
        if (body.For is { } text)
        {
            duration = DurationText.Parse(text, "for");
            if (duration <= TimeSpan.Zero)
            {
                throw RfException.Invalid($"for {Printable.Escape(text)}: expected a positive duration");
            }
        }

        return TypedResults.Ok(access.Write(s => s.Lend(donor, taker, cpus, LendReason, duration)));
    }

    private static Ok<IReadOnlyList<LoanRecord>> Reclaim(ReclaimRequest body, SupervisorAccess access)
    {
        if ((body.Taker is null) == !body.All)
        {
            throw RfException.Invalid("reclaim needs a taker or \"all\": true (not both)");
        }

        var taker = body.Taker is { } t ? Globals.CheckName(t, "taker: ") : null;
        if (body.Cpus is < 1)
        {
            throw RfException.Invalid($"cpus {body.Cpus}: reclaim at least 1 CPU");
        }

        return TypedResults.Ok(access.Write(s => s.Reclaim(taker, body.Cpus, ReclaimReason)));
    }

    private static Ok<IReadOnlyList<LoanRecord>> Loans(string? taker, SupervisorAccess access)
    {
        var name = taker is null ? null : Globals.CheckName(taker, "taker: ");
        return TypedResults.Ok(access.Read(s => s.Loans(name)));
    }
}
