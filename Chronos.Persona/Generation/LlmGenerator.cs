using System.Globalization;
using System.Text;
using Chronos.Persona.Planning;
using Microsoft.Extensions.AI;

namespace Chronos.Persona.Generation;

/// <summary>
/// Asks a chat model for a file's content. The prompt holds only the persona's facts, the
/// world's secrets the file must name, and reference files the persona itself wrote; nothing an
/// intruder wrote can reach it (see <see cref="ReferenceFile"/> and the provenance rule).
/// </summary>
public sealed class LlmGenerator(IChatClient client, LlmOptions options) : IGhostContentGenerator
{
    public string Name => GeneratedContent.Llm;

    public async ValueTask<GeneratedContent> GenerateAsync(GhostRequest request, IReadOnlyList<ReferenceFile> references, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(references);
        var messages = new List<ChatMessage>
        {
            new(ChatRole.System, SystemPrompt),
            new(ChatRole.User, Prompt(request, references)),
        };
        var chatOptions = new ChatOptions
        {
            ModelId = options.Model,
            Temperature = 0.7f,
            MaxOutputTokens = (int)Math.Clamp((request.Size / 3) + 256, 256, 8192),
        };
        var response = await client.GetResponseAsync(messages, chatOptions, cancellationToken);
        return new GeneratedContent(Encoding.UTF8.GetBytes(response.Text ?? ""), GeneratedContent.Llm, []);
    }

    internal const string SystemPrompt =
        "You write the exact contents of one file on a real Linux server. Reply with the file's contents only: " +
        "no explanation, no markdown, no code fences. Stay consistent with every fact you are given: " +
        "use only the host name, addresses, users, services, dates and credentials listed.";

    internal static string Prompt(GhostRequest request, IReadOnlyList<ReferenceFile> references)
    {
        var w = request.World;
        var p = w.Persona;
        var s = new StringBuilder();
        s.Append(CultureInfo.InvariantCulture, $"File: {request.Path}\nKind: {request.Origin.Generator}\nSize: about {request.Size} bytes\n");
        s.Append(CultureInfo.InvariantCulture, $"Owner: {request.Owner?.Name ?? request.Uid.ToString(CultureInfo.InvariantCulture)}\nLast modified: {WorldContext.Iso(request.Mtime)} (the newest entry is at this time)\n\n");
        s.Append(CultureInfo.InvariantCulture, $"Host: {p.Fqdn} ({p.Description})\nOS: {p.Os.PrettyName}, kernel {p.Kernel.Release}\nTime zone: {p.TimeZone}\n");
        s.Append(CultureInfo.InvariantCulture, $"Booted: {WorldContext.Iso(w.BootedAt)}; installed: {WorldContext.Iso(w.InstalledAt)}\n");
        s.Append(CultureInfo.InvariantCulture, $"Addresses: {string.Join(", ", p.Network.Interfaces.SelectMany(n => n.Addresses.Select(a => $"{n.Name} {a}")))}\n");
        if (p.Network.Peers.Count > 0)
        {
            s.Append(CultureInfo.InvariantCulture, $"Known hosts: {string.Join(", ", p.Network.Peers.Select(k => $"{k.Names[0]} ({k.Address})"))}\n");
        }
        s.Append(CultureInfo.InvariantCulture, $"Login users: {string.Join(", ", p.LoginUsers.Select(u => $"{u.Name} (uid {u.Uid}, home {u.Home})"))}\n");
        s.Append(CultureInfo.InvariantCulture, $"Services: {string.Join(", ", p.Services.Select(x => x.Version is null ? x.Name : $"{x.Name} {x.Version}"))}\n");
        foreach (var site in p.Sites)
        {
            s.Append(CultureInfo.InvariantCulture, $"Web site: {site.ServerName} ({site.Kind}, root {site.Root})\n");
        }
        foreach (var db in p.Databases)
        {
            s.Append(CultureInfo.InvariantCulture, $"Database: {db.Engine} {db.Name}, owner {db.Owner}, password {w.Secrets.DatabasePassword(db.Owner)}\n");
        }
        foreach (var job in p.Cron)
        {
            s.Append(CultureInfo.InvariantCulture, $"Cron: {job.Schedule} as {job.User}: {job.Command}\n");
        }
        s.Append(CultureInfo.InvariantCulture, $"Credentials this host's files use where relevant: AWS {w.Secrets.AwsAccessKeyId} / {w.Secrets.AwsSecretAccessKey}; backup {w.Secrets.BackupUrl}\n");
        foreach (var reference in references)
        {
            s.Append(CultureInfo.InvariantCulture, $"\nExisting file {reference.Path} (agree with it):\n{reference.Text}\n");
        }
        s.Append(CultureInfo.InvariantCulture, $"\nWrite {request.Path} now.");
        return s.ToString();
    }
}
