"""Two-factor sign-in for staff (Flask-Security): the method, the encrypted TOTP secret, the
time step of the last code accepted, the phone column Flask-Security resets with them, and
the digests of the recovery codes."""
from peewee import BigIntegerField, CharField, TextField
from playhouse.migrate import migrate


def up(migrator, database):
    columns = {"tf_primary_method": CharField(max_length=64, null=True),
               "tf_totp_secret": TextField(null=True),
               "tf_last_counter": BigIntegerField(null=True),
               "tf_phone_number": CharField(max_length=128, null=True),
               "mf_recovery_codes": TextField(null=True)}
    migrate(*[migrator.add_column("users", name, field) for name, field in columns.items()])
