"""Model conventions that keep pages fast and tenants apart."""

from app.extensions import db
from app.tenancy import OrgScoped


def test_every_relationship_is_lazy_raise(app):
    """An N+1 fails loudly: pages must load what they need in their query."""
    lazy = [
        f"{mapper.class_.__name__}.{rel.key} ({rel.lazy})"
        for mapper in db.Model.registry.mappers
        for rel in mapper.relationships
        if rel.lazy != "raise"
    ]
    assert lazy == []


def test_every_organisation_owned_index_starts_with_org_id(app):
    """Indexes on organisation tables lead with org_id (ARCHITECTURE §2), apart from the
    single-column ones on foreign keys that cascades and joins need."""
    wrong = []
    for mapper in db.Model.registry.mappers:
        if not issubclass(mapper.class_, OrgScoped):
            continue
        for index in mapper.local_table.indexes:
            columns = [c.name for c in index.columns]
            if len(columns) > 1 and columns[0] != "org_id":
                wrong.append(f"{mapper.local_table.name}: {index.name} {columns}")
    assert wrong == []
