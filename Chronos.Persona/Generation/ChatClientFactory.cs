using System.ClientModel;
using Anthropic;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Chronos.Persona.Generation;

/// <summary>
/// The IChatClient for the configured provider: OpenAI and every OpenAI-compatible server through
/// Microsoft.Extensions.AI.OpenAI (Endpoint set), Anthropic through the Anthropic package's own
/// AsIChatClient adapter. Null when nothing is configured: the offline generator only.
/// </summary>
public static class ChatClientFactory
{
    public static IChatClient? Create(LlmOptions options, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return null;
        }
        switch (options.Provider.ToLowerInvariant())
        {
            case "openai":
                var openAiOptions = new OpenAIClientOptions
                {
                    // The pipeline's own timeout and fallback decide; retries would only delay the reader.
                    RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(0),
                    NetworkTimeout = options.Timeout,
                };
                if (!string.IsNullOrWhiteSpace(options.Endpoint))
                {
                    openAiOptions.Endpoint = new Uri(options.Endpoint);
                }
                if (httpClient is not null)
                {
                    openAiOptions.Transport = new System.ClientModel.Primitives.HttpClientPipelineTransport(httpClient);
                }
                // Local OpenAI-compatible servers (Ollama, llama.cpp) accept any key.
                var credential = new ApiKeyCredential(string.IsNullOrWhiteSpace(options.ApiKey) ? "unused" : options.ApiKey);
                return new OpenAIClient(credential, openAiOptions).GetChatClient(options.Model).AsIChatClient();
            case "anthropic":
                var anthropic = string.IsNullOrWhiteSpace(options.Endpoint)
                    ? new AnthropicClient { ApiKey = options.ApiKey!, MaxRetries = 0, Timeout = options.Timeout }
                    : new AnthropicClient { ApiKey = options.ApiKey!, MaxRetries = 0, Timeout = options.Timeout, BaseUrl = options.Endpoint };
                return anthropic.AsIChatClient(options.Model);
            default:
                throw new InvalidOperationException($"{LlmOptions.Section}:Provider '{options.Provider}' is not openai or anthropic");
        }
    }
}
