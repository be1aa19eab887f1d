/* elfsym.c: what the launcher needs of a PD's ELF image: that it is an x86-64 executable, and where a setvar
   symbol is (the Microkit tool patches the symbol in the image; here the runtime writes it before init). */
#include <elf.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sdf.h"

struct image {
    void *map;
    const uint8_t *data;
    size_t size;
};

static int image_open(const char *path, struct image *im)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) < 0 || st.st_size < (off_t)sizeof(Elf64_Ehdr)) {
        close(fd);
        return -1;
    }
    im->size = (size_t)st.st_size;
    im->map = mmap(NULL, im->size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    im->data = im->map;
    return im->map == MAP_FAILED ? -1 : 0;
}

static bool is_x86_64_exec(const struct image *im)
{
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)im->data;
    return !memcmp(eh->e_ident, ELFMAG, SELFMAG) && eh->e_ident[EI_CLASS] == ELFCLASS64 && eh->e_machine == EM_X86_64 &&
           (eh->e_type == ET_EXEC || eh->e_type == ET_DYN);
}

const char *elf_check(const char *path)
{
    struct image im;
    if (access(path, X_OK) < 0 || image_open(path, &im) < 0)
        return "cannot be executed (missing, or not executable)";
    bool ok = is_x86_64_exec(&im);
    munmap(im.map, im.size);
    return ok ? NULL : "not an x86-64 ELF executable";
}

static const Elf64_Shdr *section(const struct image *im, unsigned int i)
{
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)im->data;
    if (eh->e_shentsize != sizeof(Elf64_Shdr) || i >= eh->e_shnum ||
        eh->e_shoff + (uint64_t)(i + 1) * sizeof(Elf64_Shdr) > im->size)
        return NULL;
    return (const Elf64_Shdr *)(im->data + eh->e_shoff) + i;
}

static int find_in(const struct image *im, const Elf64_Shdr *symtab, const char *name, uint64_t *value, uint64_t *size)
{
    const Elf64_Shdr *strtab = section(im, symtab->sh_link);
    if (!strtab || symtab->sh_offset + symtab->sh_size > im->size || strtab->sh_offset + strtab->sh_size > im->size)
        return -1;
    const Elf64_Sym *sym = (const Elf64_Sym *)(im->data + symtab->sh_offset);
    const char *names = (const char *)im->data + strtab->sh_offset;
    for (size_t i = 0; i < symtab->sh_size / sizeof(*sym); i++) {
        if (sym[i].st_name >= strtab->sh_size || sym[i].st_shndx == SHN_UNDEF)
            continue;
        if (!strncmp(names + sym[i].st_name, name, strtab->sh_size - sym[i].st_name) &&
            ELF64_ST_TYPE(sym[i].st_info) == STT_OBJECT) {
            *value = sym[i].st_value;
            *size = sym[i].st_size;
            return 0;
        }
    }
    return -1;
}

int elf_symbol(const char *path, const char *name, uint64_t *value, uint64_t *size)
{
    struct image im;
    if (image_open(path, &im) < 0)
        return -1;
    int r = -1;
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)im.data;
    for (unsigned int i = 0; r < 0 && is_x86_64_exec(&im) && i < eh->e_shnum; i++) {
        const Elf64_Shdr *sh = section(&im, i);
        if (sh && sh->sh_type == SHT_SYMTAB)
            r = find_in(&im, sh, name, value, size);
    }
    munmap(im.map, im.size);
    return r;
}
