using System.Text.Json;
using Chronos.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Chronos.Persona.Tests;

/// <summary>A local OpenAI-compatible server (/v1/chat/completions) that answers well, fails with 500, hangs, or returns garbage.</summary>
internal sealed class OpenAiStub : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private OpenAiStub(WebApplication app, int port)
    {
        _app = app;
        Endpoint = $"http://127.0.0.1:{port}/v1";
    }

    public string Endpoint { get; }

    public string Mode { get; set; } = "ok";

    public string Content { get; set; } = "";

    public int Requests => Volatile.Read(ref _requests);

    public List<string> Bodies { get; } = [];

    public static async Task<OpenAiStub> StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var stub = new OpenAiStub(app, port);
        app.MapPost("/v1/chat/completions", stub.HandleAsync);
        await app.StartAsync();
        return stub;
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        lock (Bodies)
        {
            Bodies.Add(body);
        }
        switch (Mode)
        {
            case "500":
                context.Response.StatusCode = 500;
                await context.Response.WriteAsync("{\"error\":{\"message\":\"internal error\",\"type\":\"server_error\"}}");
                return;
            case "hang":
                await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return;
            case "garbage":
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("<html>502 Bad Gateway</html>{{{");
                return;
            default:
                context.Response.ContentType = "application/json";
                var reply = new
                {
                    id = "chatcmpl-test",
                    @object = "chat.completion",
                    created = 1_700_000_000,
                    model = "stub-model",
                    choices = new[] { new { index = 0, message = new { role = "assistant", content = Content }, finish_reason = "stop" } },
                    usage = new { prompt_tokens = 10, completion_tokens = 10, total_tokens = 20 },
                };
                await context.Response.WriteAsync(JsonSerializer.Serialize(reply));
                return;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
