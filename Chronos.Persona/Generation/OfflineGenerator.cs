using System.Text;
using Chronos.Persona.Planning;

namespace Chronos.Persona.Generation;

/// <summary>
/// Content that can always be produced: deterministic per world seed and planned path, in the
/// persona's terms, exactly the declared size. It is the default generator and the fallback of
/// every other one, so it never throws for a request the planner could have made.
/// </summary>
public sealed class OfflineGenerator : IGhostContentGenerator
{
    /// <summary>Generators whose content has a length of its own (the plan declares that length).</summary>
    private static readonly HashSet<string> Natural =
    [
        Generators.NginxSite, Generators.PhpFpmPool, Generators.MyCnf, Generators.PostgresqlConf, Generators.PgHba, Generators.WpConfig,
        Generators.DotEnv, Generators.PrivateKey, Generators.KnownHosts, Generators.RunnerConfig, Generators.DockerConfig,
    ];

    public string Name => GeneratedContent.Offline;

    public static bool IsNatural(string generator) => Natural.Contains(generator) || generator == Generators.ShellScript;

    /// <summary>The length of a naturally sized file's content (what the plan declares).</summary>
    public static long NaturalSize(GhostRequest request) => Encoding.UTF8.GetByteCount(NaturalText(request));

    public ValueTask<GeneratedContent> GenerateAsync(GhostRequest request, IReadOnlyList<ReferenceFile> references, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new GeneratedContent(Generate(request), GeneratedContent.Offline, []));

    public static byte[] Generate(GhostRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Size == 0)
        {
            return [];
        }
        if (request.Origin.Generator == Generators.Image)
        {
            return ImageGenerator.Png(request);
        }
        if (request.Origin.Generator is Generators.Wtmp or Generators.Btmp)
        {
            return UtmpGenerator.Records(request);
        }
        if (request.Path.EndsWith(".gz", StringComparison.Ordinal))
        {
            var inner = request with { Origin = request.Origin with { Path = request.Path[..^3] } };
            return GzipFitter.Fit(request.Size, inner.FileName, textSize => Text(inner with { Size = textSize }, textSize, request.Mtime));
        }
        return Text(request, request.Size, request.Mtime);
    }

    private static byte[] Text(GhostRequest request, long size, DateTimeOffset mtime)
    {
        var generator = request.Origin.Generator;
        if (IsNatural(generator))
        {
            var natural = Encoding.UTF8.GetBytes(NaturalText(request));
            return natural.Length == size ? natural : Fit.ToSize(natural, size, generator, request.Random("natural-fit"));
        }
        return generator switch
        {
            Generators.AuthLog => new AuthLogWriter().Write(request, size),
            Generators.Syslog => new SyslogWriter().Write(request, size),
            Generators.KernLog => new KernLogWriter().Write(request, size),
            Generators.DpkgLog => new DpkgLogWriter().Write(request, size),
            Generators.NginxAccess => new NginxAccessWriter().Write(request, size),
            Generators.NginxError => new NginxErrorWriter().Write(request, size),
            Generators.MysqlError => new MysqlErrorWriter().Write(request, size),
            Generators.PostgresqlLog => new PostgresqlLogWriter().Write(request, size),
            Generators.BashHistory => SizedTexts.BashHistory(request, size),
            Generators.PhpSource => SizedTexts.PhpSource(request, size),
            Generators.SqlDump => SizedTexts.SqlDump(request, size),
            Generators.ShellScript => SizedTexts.ShellScript(request, size),
            _ => SizedTexts.Document(request, size),
        };
    }

    /// <summary>The log writer of a log generator, or null for other kinds.</summary>
    internal static LogWriter? LogWriterFor(string generator) => generator switch
    {
        Generators.AuthLog => new AuthLogWriter(),
        Generators.Syslog => new SyslogWriter(),
        Generators.KernLog => new KernLogWriter(),
        Generators.DpkgLog => new DpkgLogWriter(),
        Generators.NginxAccess => new NginxAccessWriter(),
        Generators.NginxError => new NginxErrorWriter(),
        Generators.MysqlError => new MysqlErrorWriter(),
        Generators.PostgresqlLog => new PostgresqlLogWriter(),
        _ => null,
    };

    private static string NaturalText(GhostRequest r) => r.Origin.Generator switch
    {
        Generators.NginxSite => ConfigTexts.NginxSite(r),
        Generators.PhpFpmPool => ConfigTexts.PhpFpmPool(r),
        Generators.MyCnf => ConfigTexts.MyCnf(r),
        Generators.PostgresqlConf => ConfigTexts.PostgresqlConf(r),
        Generators.PgHba => ConfigTexts.PgHba(r),
        Generators.WpConfig => ConfigTexts.WpConfig(r),
        Generators.DotEnv => ConfigTexts.DotEnv(r),
        Generators.PrivateKey => ConfigTexts.PrivateKey(r),
        Generators.KnownHosts => ConfigTexts.KnownHosts(r),
        Generators.RunnerConfig => ConfigTexts.RunnerConfig(r),
        Generators.DockerConfig => ConfigTexts.DockerConfig(r),
        Generators.ShellScript => r.FileName.StartsWith("backup", StringComparison.Ordinal) ? ConfigTexts.BackupScript(r) : "#!/bin/sh\nset -e\n",
        _ => "",
    };
}
