using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Chronos.Persona.Tests;

/// <summary>The one fake allowed: an LLM. Counts calls, records prompts, answers what the test says (or fails, or hangs).</summary>
internal sealed class FakeChatClient(Func<IReadOnlyList<ChatMessage>, CancellationToken, Task<string>> answer) : IChatClient
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public List<string> Prompts { get; } = [];

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        var list = messages.ToList();
        lock (Prompts)
        {
            Prompts.Add(string.Join("\n", list.Select(m => m.Text)));
        }
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, await answer(list, cancellationToken)));
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        yield return new ChatResponseUpdate(ChatRole.Assistant, response.Text);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
