#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Whole small text files and folder listings, for the methodology packages
/// a caller names by path (imports stream their files instead).
package enum FileText {
    /// The UTF-8 text of `path`; over `limit` bytes is IHUB_LIMIT, invalid
    /// UTF-8 IHUB_INVALID. `at` names the parameter in messages.
    package static func read(_ path: String, limit: Int = Limits.longText, at: String) throws(IHubError) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("cannot open", path, at: at) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("cannot read", path, at: at)
            }
            if n == 0 { break }
            bytes += chunk[0..<n]
            if bytes.count > limit {
                throw IHubError(.limit, "\(at): \(IHubError.quoted(path, limit: Limits.path)) is over \(limit) bytes")
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw IHubError.invalid("\(at): \(IHubError.quoted(path, limit: Limits.path)) is not valid UTF-8")
        }
        return text
    }

    /// The names in folder `path` (no "." or ".."), sorted, each with
    /// whether it is a folder.
    static func list(_ path: String, at: String) throws(IHubError) -> [(name: String, isFolder: Bool)] {
        guard let dir = opendir(path) else { throw failure("cannot open the folder", path, at: at) }
        defer { closedir(dir) }
        var out: [(String, Bool)] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name == "." || name == ".." { continue }
            var info = stat()
            let full = path + "/" + name
            guard stat(full, &info) == 0 else { throw failure("cannot read", full, at: at) }
            out.append((name, (info.st_mode & S_IFMT) == S_IFDIR))
        }
        return out.sorted { $0.0 < $1.0 }
    }

    private static func failure(_ what: String, _ path: String, at: String) -> IHubError {
        let code = errno
        return IHubError(code == ENOENT ? .notFound : .io,
                         "\(at): \(what) \(IHubError.quoted(path, limit: Limits.path)): \(String(cString: strerror(code)))")
    }
}
