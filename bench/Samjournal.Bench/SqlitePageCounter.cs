using System.Buffers.Binary;

namespace Samjournal.Bench;

/// <summary>
/// Pages per b-tree of an SQLite file, read from the file format (sqlite.org/fileformat2.html):
/// the bundled SQLite of Microsoft.Data.Sqlite is built without the dbstat table. Walks each tree
/// from its root page and adds the overflow pages of every cell, computed from the payload size.
/// Call it on a checkpointed database that nobody writes to.
/// </summary>
internal sealed class SqlitePageCounter : IDisposable
{
    private readonly FileStream _file;
    private readonly int _pageSize;
    private readonly int _usable;
    private readonly byte[] _page;

    public SqlitePageCounter(string path)
    {
        _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, FileOptions.RandomAccess);
        var header = new byte[100];
        _file.ReadExactly(header);
        var size = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(16));
        _pageSize = size == 1 ? 65536 : size;
        _usable = _pageSize - header[20];
        _page = new byte[_pageSize];
    }

    public int PageSize => _pageSize;

    /// <summary>Pages of the b-tree rooted at <paramref name="root"/>, overflow pages included.</summary>
    public long CountTree(long root)
    {
        var pages = 0L;
        var pending = new Stack<long>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var number = pending.Pop();
            pages++;
            _file.Position = (number - 1) * _pageSize;
            _file.ReadExactly(_page);
            var at = number == 1 ? 100 : 0; // page 1 starts with the file header
            var type = _page[at];
            var cells = BinaryPrimitives.ReadUInt16BigEndian(_page.AsSpan(at + 3));
            var interior = type is 2 or 5;
            var pointers = at + (interior ? 12 : 8);
            if (interior)
            {
                pending.Push(BinaryPrimitives.ReadUInt32BigEndian(_page.AsSpan(at + 8)));
            }

            for (var i = 0; i < cells; i++)
            {
                var cell = (int)BinaryPrimitives.ReadUInt16BigEndian(_page.AsSpan(pointers + (2 * i)));
                if (interior)
                {
                    pending.Push(BinaryPrimitives.ReadUInt32BigEndian(_page.AsSpan(cell)));
                    cell += 4;
                }

                if (type == 5)
                {
                    continue; // interior table cells hold a key only
                }

                var payload = ReadVarint(cell);
                pages += OverflowPages(payload, leafTable: type == 13);
            }
        }

        return pages;
    }

    private long OverflowPages(long payload, bool leafTable)
    {
        var maxLocal = leafTable ? _usable - 35 : ((_usable - 12) * 64 / 255) - 23;
        if (payload <= maxLocal)
        {
            return 0;
        }

        var minLocal = ((_usable - 12) * 32 / 255) - 23;
        var local = minLocal + ((payload - minLocal) % (_usable - 4));
        if (local > maxLocal)
        {
            local = minLocal;
        }

        var rest = payload - local;
        return (rest + _usable - 4 - 1) / (_usable - 4);
    }

    private long ReadVarint(int at)
    {
        long value = 0;
        for (var i = 0; i < 9; i++)
        {
            var b = _page[at + i];
            if (i == 8)
            {
                return (value << 8) | b;
            }

            value = (value << 7) | (long)(b & 0x7f);
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        return value;
    }

    public void Dispose() => _file.Dispose();
}
