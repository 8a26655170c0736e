using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using RainForest.Core;
using RainForest.Linux.Guard;
using RainForest.Service.Api;

namespace RainForest.Service.Tests;

/// <summary>Errors map to the HTTP statuses the README documents, through the mapping rfm uses for exit codes.</summary>
public sealed class ProblemsTests
{
    [Theory]
    [InlineData(RfErrorKind.Invalid, 400)]
    [InlineData(RfErrorKind.NotFound, 404)]
    [InlineData(RfErrorKind.Conflict, 409)]
    [InlineData(RfErrorKind.NotInitialised, 409)]
    [InlineData(RfErrorKind.Failed, 500)]
    public void StatusOf_EachKind_IsDocumentedStatus(RfErrorKind kind, int status) => Assert.Equal(status, Problems.StatusOf(kind));

    [Theory]
    [InlineData(RfErrorKind.Invalid, 2)]
    [InlineData(RfErrorKind.NotFound, 2)]
    [InlineData(RfErrorKind.Conflict, 2)]
    [InlineData(RfErrorKind.NotInitialised, 2)]
    [InlineData(RfErrorKind.Failed, 1)]
    public void Kind_KeepsRfmExitCode(RfErrorKind kind, int exitCode) => Assert.Equal(exitCode, new RfException("x", kind).ExitCode);

    [Fact]
    public async Task For_GuardRefusal_IsAFailureNotAnInternalError()
    {
        var (status, body) = await Render(Problems.For(new GuardViolationException("refused: /x lies outside this supervisor's prefix rf-1", "/x")));
        Assert.Equal(500, status);
        Assert.Contains("\"kind\":\"failed\"", body, StringComparison.Ordinal);
        Assert.Contains("refused: /x", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task For_AnythingElse_IsAnInternalError()
    {
        var (status, body) = await Render(Problems.For(new InvalidOperationException("boom")));
        Assert.Equal(500, status);
        Assert.Contains("internal error: boom", body, StringComparison.Ordinal);
        Assert.DoesNotContain("\"kind\"", body, StringComparison.Ordinal);
    }

    private static async Task<(int Status, string Body)> Render(IResult result)
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = new MemoryStream();
        await result.ExecuteAsync(context);
        return (context.Response.StatusCode, Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray()));
    }
}
