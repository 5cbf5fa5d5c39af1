namespace Chronos.Persona.Model;

/// <summary>A persona file that cannot be used: malformed YAML, a missing field, or facts that contradict each other. The message names the file and every problem found.</summary>
public sealed class PersonaException : Exception
{
    public PersonaException(string source, IReadOnlyList<string> problems)
        : base($"persona {source}: {string.Join("; ", problems)}")
    {
        Source = source;
        Problems = problems;
    }

    public PersonaException(string source, string problem, Exception inner)
        : base($"persona {source}: {problem}", inner)
    {
        Source = source;
        Problems = [problem];
    }

    public PersonaException()
    {
        Problems = [];
    }

    public PersonaException(string message)
        : base(message)
    {
        Problems = [message];
    }

    public PersonaException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [message];
    }

    public new string? Source { get; }

    public IReadOnlyList<string> Problems { get; }
}
