using Microsoft.AspNetCore.Diagnostics;
using StackExchange.Redis;

namespace Chronos.Hypervisor.Api;

/// <summary>Redis down or slow is the server's trouble, not the request's: 503 with a problem body, so a dashboard can say so.</summary>
internal sealed class RedisUnavailableHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not (RedisException or TimeoutException))
        {
            return false;
        }
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Redis unavailable",
                Detail = "the world store does not answer; retry shortly",
            },
        });
    }
}
