namespace Chronos.AppHost.Orchestration;

/// <summary>
/// The one place that writes to the AppHost's stdout: every line, of every child and of the
/// AppHost itself, prefixed with its source (<c>[hypervisor] ...</c>), padded so columns line up,
/// and colored per source when stdout is a terminal. One lock keeps lines whole.
/// </summary>
internal sealed class ConsoleSink
{
    // ANSI foreground colors that read on dark and light terminals; red is kept for errors.
    private static readonly string[] Palette = ["\e[36m", "\e[32m", "\e[35m", "\e[34m", "\e[33m", "\e[96m", "\e[92m", "\e[95m"];
    private const string Reset = "\e[0m";
    private const string ErrorColor = "\e[31m";

    private readonly TextWriter _output;
    private readonly bool _color;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, string> _colors = new(StringComparer.Ordinal);
    private int _width;

    public ConsoleSink(TextWriter output, bool color)
    {
        _output = output;
        _color = color;
    }

    public static ConsoleSink ForConsole() => new(Console.Out, !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null);

    /// <summary>Registers a source so its prefix is padded to the longest name and given a color.</summary>
    public void AddSource(string name)
    {
        lock (_lock)
        {
            _width = Math.Max(_width, name.Length + 2);
            if (!_colors.ContainsKey(name))
            {
                _colors[name] = Palette[_colors.Count % Palette.Length];
            }
        }
    }

    public void WriteLine(string source, string line, bool isError = false)
    {
        lock (_lock)
        {
            var prefix = ("[" + source + "]").PadRight(_width);
            if (_color)
            {
                var color = _colors.GetValueOrDefault(source, Palette[0]);
                _output.WriteLine(isError ? $"{color}{prefix}{Reset} {ErrorColor}{line}{Reset}" : $"{color}{prefix}{Reset} {line}");
            }
            else
            {
                _output.WriteLine($"{prefix} {line}");
            }
            _output.Flush();
        }
    }

    /// <summary>Text without a prefix (the summary table).</summary>
    public void WriteBlock(string text)
    {
        lock (_lock)
        {
            _output.Write(text);
            _output.Flush();
        }
    }
}
