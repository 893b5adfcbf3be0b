namespace FlutHilfe.BankFiles;

/// <summary>Read-only, forward-only view of a stream that throws <see cref="CamtInputTooLargeException"/>
/// as soon as more than <c>limit</c> bytes have been read.</summary>
internal sealed class LimitedReadStream(Stream inner, long limit, string what) : Stream
{
    public long BytesRead { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        // Read at most limit + 1 bytes in total so that an oversized input is detected without reading it all.
        var allowed = (int)Math.Min(buffer.Length, limit - BytesRead + 1);
        if (allowed <= 0)
        {
            throw new CamtInputTooLargeException(limit, what);
        }

        var n = inner.Read(buffer[..allowed]);
        BytesRead += n;
        if (BytesRead > limit)
        {
            throw new CamtInputTooLargeException(limit, what);
        }

        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
