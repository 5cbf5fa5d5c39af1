using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Chronos.Persona.Planning;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chronos.Persona.Generation;

/// <summary>
/// One ghost file from request to bytes ready to commit: the LLM when one is configured and the
/// file is a kind worth asking about, its answer cleaned, checked and fitted to the declared size;
/// the offline generator otherwise, and whenever the LLM fails, times out or answers junk (the
/// result then carries the reason, for the log and the audit).
/// </summary>
public sealed partial class ContentPipeline(LlmGenerator? llm, LlmOptions options, ILogger<ContentPipeline>? logger = null)
{
    private static readonly ActivitySource Activity = new(ChronosTelemetryNames.Persona);

    private readonly ILogger _logger = logger ?? NullLogger<ContentPipeline>.Instance;

    /// <summary>Kinds an LLM may write: text whose details benefit from a model. Keys, binary and compressed files never.</summary>
    public bool UsesLlmFor(GhostRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return llm is not null
            && request.Size is >= 64
            && request.Size <= options.MaxBytes
            && !request.Path.EndsWith(".gz", StringComparison.Ordinal)
            && request.Origin.Generator is not (Generators.PrivateKey or Generators.KnownHosts or Generators.DockerConfig or Generators.Image or Generators.Wtmp or Generators.Btmp);
    }

    public async Task<GeneratedContent> GenerateAsync(GhostRequest request, Func<CancellationToken, Task<IReadOnlyList<ReferenceFile>>> references, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(references);
        using var activity = Activity.StartActivity("persona.generate");
        activity?.SetTag("chronos.path", request.Path);
        if (!UsesLlmFor(request))
        {
            return Offline(request, null);
        }
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Timeout);
        try
        {
            var answer = await llm!.GenerateAsync(request, await references(deadline.Token), deadline.Token);
            var text = ContentChecks.Clean(Encoding.UTF8.GetString(answer.Bytes));
            var problem = ContentChecks.Problem(request, text);
            if (problem is not null)
            {
                return Offline(request, "unusable answer: " + problem);
            }
            var fitted = FitAnswer(request, text);
            var fittedProblem = OfflineGenerator.LogWriterFor(request.Origin.Generator) is null ? ContentChecks.Problem(request, Encoding.UTF8.GetString(fitted)) : null;
            if (fittedProblem is not null)
            {
                return Offline(request, "answer broke when fitted to size: " + fittedProblem);
            }
            activity?.SetTag("chronos.source", GeneratedContent.Llm);
            return new GeneratedContent(fitted, GeneratedContent.Llm, TokensIn(request, text));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Offline(request, $"timed out after {options.Timeout.TotalSeconds:F0} s");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Offline(request, $"{e.GetType().Name}: {e.Message}");
        }
    }

    private GeneratedContent Offline(GhostRequest request, string? fallbackReason)
    {
        if (fallbackReason is not null)
        {
            Log.LlmFallback(_logger, request.World.Persona.Name, request.Path, fallbackReason);
        }
        return new GeneratedContent(OfflineGenerator.Generate(request), GeneratedContent.Offline, [], fallbackReason);
    }

    /// <summary>Logs: the answer's lines are the newest part, older offline lines fill the rest. Other text: whole lines, then comment filler.</summary>
    private static byte[] FitAnswer(GhostRequest request, string text)
    {
        if (request.Path.EndsWith(".png", StringComparison.Ordinal))
        {
            return OfflineGenerator.Generate(request);
        }
        if (OfflineGenerator.LogWriterFor(request.Origin.Generator) is { } writer)
        {
            var lines = Fit.SplitLines(text).ToList();
            return writer.Write(request, request.Size, lines);
        }
        if (request.Origin.Generator == Generators.BashHistory)
        {
            // The model's commands are the start; the user's usual commands carry on to the declared size.
            return TextFitter.Forward(request.Size, "", Fit.SplitLines(text).Concat(SizedTexts.HistoryBlocks(request)), "", SizedTexts.HistoryFiller, request.Random("llm-fit"));
        }
        return Fit.ToSize(Encoding.UTF8.GetBytes(text), request.Size, request.Origin.Generator, request.Random("llm-fit"));
    }

    /// <summary>Secrets the answer plants: the world's own (given in the prompt) and any password-like assignment the model invented.</summary>
    internal static IReadOnlyList<PlantedToken> TokensIn(GhostRequest request, string text)
    {
        var s = request.World.Secrets;
        var known = s.DatabasePasswords.Values.Concat([s.AwsAccessKeyId, s.AwsSecretAccessKey, s.BackupUrl, s.BackupPassword, s.RunnerToken, s.RegistryPassword, s.WebhookUrl]);
        var tokens = known.Where(v => text.Contains(v, StringComparison.Ordinal)).Select(v => new PlantedToken(v, "secret", request.Path)).ToList();
        foreach (Match m in Assignment().Matches(text))
        {
            tokens.Add(new PlantedToken(m.Groups["value"].Value, "password", request.Path));
        }
        return tokens;
    }

    [GeneratedRegex(@"(?i)(?:password|passwd|secret|token|api[_-]?key)[""']?\s*[=:,]\s*[""']?(?<value>[^\s""',;)]{6,})", RegexOptions.CultureInvariant)]
    private static partial Regex Assignment();
}

/// <summary>Telemetry names (the ServiceDefaults register "Chronos.Persona").</summary>
internal static class ChronosTelemetryNames
{
    public const string Persona = "Chronos.Persona";
}
