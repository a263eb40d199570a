"""Checks the README's Python examples against the generated Python bindings.

usage: python3 scripts/check-python-example.py README.md <generated __init__.py>

Every name imported from the package must be a class of the generated module;
every `Class.member` must be a member of it (static method, enum value or
property); every call of an imported class or of its static methods may only
pass keyword arguments that the generated signature declares, and no more
positional ones than it takes. Only the standard library (`ast`) is used, so it
runs where jsii's Python runtime is not installed. Exit code 1 lists each
mismatch.
"""
import ast
import re
import sys

PACKAGE = "cdk8s_ai_failover"


def python_blocks(readme: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", readme, re.S)


def module_api(source: str) -> dict[str, dict[str, list[str] | None]]:
    """Class name -> member name -> parameter names (None for non-callables)."""
    api: dict[str, dict[str, list[str] | None]] = {}
    for node in ast.parse(source).body:
        if not isinstance(node, ast.ClassDef):
            continue
        members: dict[str, list[str] | None] = {}
        for item in node.body:
            if isinstance(item, ast.FunctionDef):
                args = item.args
                params = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]
                members[item.name] = [p for p in params if p not in ("self", "cls")]
                members["#positional:" + item.name] = [a.arg for a in args.posonlyargs + args.args if a.arg not in ("self", "cls")]
            elif isinstance(item, ast.Assign):
                for target in item.targets:
                    if isinstance(target, ast.Name):
                        members[target.id] = None
        api[node.name] = members
    return api


def check_block(code: str, api: dict[str, dict[str, list[str] | None]], index: int) -> tuple[list[str], int]:
    errors: list[str] = []
    checked = 0
    tree = ast.parse(code)
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == PACKAGE:
            for alias in node.names:
                checked += 1
                if alias.name not in api:
                    errors.append(f"example {index}: {PACKAGE} has no class {alias.name}")
                else:
                    imported.add(alias.asname or alias.name)

    def check_call(where: str, params: list[str] | None, positional: list[str] | None, call: ast.Call) -> None:
        nonlocal checked
        if params is None:
            errors.append(f"example {index}: {where} is not callable")
            return
        for keyword in call.keywords:
            checked += 1
            if keyword.arg is not None and keyword.arg not in params:
                errors.append(f"example {index}: {where} takes no argument {keyword.arg} (it takes {', '.join(params) or 'none'})")
        if positional is not None and len(call.args) > len(positional):
            errors.append(f"example {index}: {where} takes {len(positional)} positional arguments (received {len(call.args)})")

    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in imported:
            checked += 1
            if node.attr not in api[node.value.id]:
                errors.append(f"example {index}: {node.value.id} has no member {node.attr}")
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in imported:
                members = api[func.id]
                check_call(f"{func.id}(...)", members.get("__init__", []), members.get("#positional:__init__"), node)
            elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in imported:
                members = api[func.value.id]
                if func.attr in members:
                    check_call(f"{func.value.id}.{func.attr}(...)", members[func.attr], members.get("#positional:" + func.attr), node)
    return errors, checked


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    readme = open(argv[1], encoding="utf8").read()
    api = module_api(open(argv[2], encoding="utf8").read())
    blocks = python_blocks(readme)
    if not blocks:
        print(f"{argv[1]}: no ```python example found", file=sys.stderr)
        return 1
    errors: list[str] = []
    checked = 0
    for index, block in enumerate(blocks, start=1):
        block_errors, block_checked = check_block(block, api, index)
        errors += block_errors
        checked += block_checked
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 1
    print(f"python examples match the generated bindings: {len(blocks)} examples, {checked} names and arguments checked")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
