namespace Pipeline.Application.Http;

/// <summary>Reads a request body into memory, refusing (null) anything over <see cref="ApiLimits.BodyBytesMax"/> without reading it all.</summary>
internal static class RequestBody
{
    public static async Task<byte[]?> ReadAsync(HttpRequest request)
    {
        if (request.ContentLength > ApiLimits.BodyBytesMax)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > ApiLimits.BodyBytesMax)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
