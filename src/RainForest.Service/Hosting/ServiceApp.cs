using Microsoft.AspNetCore.Http.Json;
using RainForest.Linux;
using RainForest.Service.Api;
using RainForest.Service.Dashboard;
using RainForest.Service.Events;
using RainForest.Service.Metrics;
using RainForest.Service.Policies;

namespace RainForest.Service.Hosting;

/// <summary>Builds the web application: Kestrel on the Unix socket (and TCP on request), the endpoints, events and metrics.</summary>
internal static class ServiceApp
{
    /// <summary>Builds the application for <paramref name="options"/>; <see cref="Start"/> binds it.</summary>
    public static WebApplication Build(ServiceOptions options, string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

        // Under systemd (Type=notify) the unit is ready once Kestrel listens; elsewhere this does nothing.
        builder.Host.UseSystemd();
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ListenUnixSocket(options.SocketPath);
            if (options.Listen is { } endpoint)
            {
                kestrel.Listen(endpoint);
            }
        });
        builder.Services.ConfigureHttpJsonOptions(json => ServiceJson.Configure(json.SerializerOptions));
        builder.Services.Configure<RouteHandlerOptions>(route => route.ThrowOnBadRequest = true);
        builder.Services.AddOpenApi();

        // A request no endpoint matches (404, 405) gets problem+json too.
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(options.State);
        builder.Services.AddSingleton<EventHub>();
        builder.Services.AddSingleton<IDecisionPublisher>(services => services.GetRequiredService<EventHub>());
        builder.Services.AddSingleton<JournalFeed>();
        builder.Services.AddHostedService(services => services.GetRequiredService<JournalFeed>());
        builder.Services.AddSingleton<SupervisorAccess>();
        builder.Services.AddSingleton<ServiceMetrics>();

        // The controller: the ledger's policies run for as long as the service does.
        builder.Services.AddSingleton<PolicyObserver>();
        builder.Services.AddSingleton<PolicyHost>();
        builder.Services.AddHostedService(services => services.GetRequiredService<PolicyHost>());

        var app = builder.Build();
        DashboardAssets.Use(app);
        app.Use(async (context, next) =>
        {
            if (!BearerToken.Admits(context.Connection, context.Request.Headers.Authorization.FirstOrDefault(), options.Token))
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await TypedResults.Problem(
                    detail: "this TCP port needs Authorization: Bearer TOKEN (the token in --token-file)",
                    statusCode: StatusCodes.Status401Unauthorized,
                    title: "unauthorised",
                    type: Problems.TypeBase + "unauthorised").ExecuteAsync(context).ConfigureAwait(false);
                return;
            }

            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (Exception e) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
            {
                var log = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("RainForest.Service");
                if (Supervisor.UserErrors.Classify(e) is null && e is not BadHttpRequestException)
                {
                    log.LogError(e, "internal error in {Method} {Path}", context.Request.Method, context.Request.Path);
                }

                await Problems.For(e).ExecuteAsync(context).ConfigureAwait(false);
            }
        });

        app.UseStatusCodePages();
        app.MapOpenApi();
        SubOsEndpoints.Map(app);
        ChannelEndpoints.Map(app);
        JournalEndpoints.Map(app);
        MachineEndpoints.Map(app);
        PolicyEndpoints.Map(app);
        LoanEndpoints.Map(app);
        EventEndpoints.Map(app);
        app.Services.GetRequiredService<ServiceMetrics>().Map(app);
        return app;
    }

    /// <summary>
    /// Binds and starts: the Unix socket is created with mode 0600 from its first moment (a file-creation mask of 0177
    /// while Kestrel binds), so no other user can connect in between.
    /// </summary>
    public static void Start(WebApplication app)
    {
        using (FileCreationMask.Narrow(UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute))
        {
            app.Start();
        }
    }
}
