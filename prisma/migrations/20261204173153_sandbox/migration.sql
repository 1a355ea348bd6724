-- AlterTable
ALTER TABLE "Contact" ADD COLUMN     "sandbox" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Conversation" ADD COLUMN     "sandbox" BOOLEAN NOT NULL DEFAULT false;

