using Microsoft.AspNetCore.Http.HttpResults;

namespace Chronos.Hypervisor.Api;

/// <summary>The API's 4xx answers, each an RFC 9457 problem+json body with a sentence that says what was wrong.</summary>
internal static class Problems
{
    public static ProblemHttpResult BadRequest(string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: title);

    public static ProblemHttpResult NotFound(string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: title);

    public static ProblemHttpResult Conflict(string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: title);

    public static ProblemHttpResult UnknownWorld(string world) =>
        NotFound("Unknown world", $"world '{world}' does not exist");

    public static ProblemHttpResult BadWorldName(string world) =>
        BadRequest("Invalid world name", $"'{world}' is not a world name (lowercase letters, digits, '_' and '-', at most 63)");
}
